/// The usrsctp notifications the hub acts on, decoded from the bytes `usrsctp_recvv` returns
/// with `MSG_NOTIFICATION` (layouts from `usrsctp.h`, RFC 6458 §6.1). Every notification starts
/// with type (u16), flags (u16) and length (u32), in host byte order.
enum SCTPNotification: Equatable {
    /// `SCTP_ASSOC_CHANGE`: `sac_state` at offset 8.
    case associationChange(state: UInt16)
    /// `SCTP_STREAM_RESET_EVENT`: flags, then the stream list after the 12-byte header;
    /// an empty list means every stream.
    case streamReset(flags: UInt16, streams: [UInt16])
    /// `SCTP_PARTIAL_DELIVERY_EVENT`: `pdapi_indication` at offset 8.
    case partialDelivery(indication: UInt32)
    /// `SCTP_SEND_FAILED_EVENT`.
    case sendFailed
    /// Anything else we subscribed to only for completeness.
    case other(type: UInt16)

    // Constants from usrsctp.h, spelled here so the decoder stays a pure function.
    static let assocChangeType: UInt16 = 0x0001
    static let partialDeliveryType: UInt16 = 0x0007
    static let streamResetType: UInt16 = 0x0009
    static let sendFailedType: UInt16 = 0x000e

    static let commUp: UInt16 = 0x0001
    static let commLost: UInt16 = 0x0002
    static let restart: UInt16 = 0x0003
    static let shutdownComplete: UInt16 = 0x0004
    static let cantStartAssociation: UInt16 = 0x0005

    static let streamResetIncoming: UInt16 = 0x0001
    static let partialDeliveryAborted: UInt32 = 0x0001

    /// Decodes `bytes`; nil when shorter than the header a notification type needs.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> SCTPNotification? {
        guard bytes.count >= 8 else { return nil }
        let type = bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
        let flags = bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
        let length = min(Int(bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)), bytes.count)
        switch type {
        case assocChangeType:
            guard length >= 10 else { return nil }
            return .associationChange(state: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        case streamResetType:
            guard length >= 12 else { return nil }
            var streams: [UInt16] = []
            var offset = 12
            while offset &+ 2 <= length {
                streams.append(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                offset &+= 2
            }
            return .streamReset(flags: flags, streams: streams)
        case partialDeliveryType:
            guard length >= 12 else { return nil }
            return .partialDelivery(indication: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        case sendFailedType:
            return .sendFailed
        default:
            return .other(type: type)
        }
    }
}
