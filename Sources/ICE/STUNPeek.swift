/// A stateless look at a datagram before it is known which endpoint it belongs to.
///
/// All endpoints share one UDP port (colibri2.md §5.7, ice4j's `SinglePortUdpHarvester`): a
/// datagram from an unknown address is only accepted if it is a Binding Request whose USERNAME
/// starts with a local ufrag, which then selects the endpoint. Nothing here validates
/// MESSAGE-INTEGRITY; the selected `ICEAgent` does that.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   Magic Cookie (0x2112A442)                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Transaction ID (96 bits)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |  attributes, each
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  padded to 4 bytes
/// |                         Value (variable)                ....
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public enum STUNPeek {
    static let headerLength = 20
    static let magicCookie: UInt32 = 0x2112_A442
    static let bindingRequest: UInt16 = 0x0001
    static let usernameAttribute: UInt16 = 0x0006

    /// True for an RFC 5389 Binding Request whose header and attribute framing are sound.
    public static func isBindingRequest(_ datagram: UnsafeRawBufferPointer) -> Bool {
        messageType(datagram) == bindingRequest
    }

    /// The local-ufrag half of USERNAME (`<local ufrag>:<remote ufrag>`) of a Binding Request,
    /// or nil. Allocates the `String`; `localUfragRange(of:)` is the allocation-free variant.
    public static func localUfrag(of datagram: UnsafeRawBufferPointer) -> String? {
        guard let range = localUfragRange(of: datagram) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: datagram[range]), as: UTF8.self)
    }

    /// Where the local-ufrag half of USERNAME lies in a Binding Request, without allocating;
    /// nil if the datagram is no Binding Request, has no USERNAME or the USERNAME has no colon
    /// or an empty local part.
    public static func localUfragRange(of datagram: UnsafeRawBufferPointer) -> Range<Int>? {
        guard isBindingRequest(datagram), let username = attribute(usernameAttribute, in: datagram) else { return nil }
        guard let colon = username.firstIndex(where: { datagram[$0] == UInt8(ascii: ":") }),
            colon > username.lowerBound
        else { return nil }
        return username.lowerBound..<colon
    }

    /// The STUN message type of a well-framed RFC 5389 message, or nil: checks the top bits,
    /// the magic cookie, that the length matches the datagram and that attributes tile it.
    static func messageType(_ datagram: UnsafeRawBufferPointer) -> UInt16? {
        guard datagram.count >= headerLength, datagram[0] & 0xC0 == 0 else { return nil }
        let length = Int(load16(datagram, at: 2))
        guard length & 3 == 0, headerLength + length == datagram.count,
            load32(datagram, at: 4) == magicCookie
        else { return nil }
        var offset = headerLength
        while offset < datagram.count {
            guard offset + 4 <= datagram.count else { return nil }
            let valueLength = Int(load16(datagram, at: offset + 2))
            offset += 4 + ((valueLength + 3) & ~3)
        }
        guard offset == datagram.count else { return nil }
        return load16(datagram, at: 0)
    }

    /// The value range of the first attribute of `type` in a message `messageType` accepted.
    static func attribute(_ type: UInt16, in datagram: UnsafeRawBufferPointer) -> Range<Int>? {
        var offset = headerLength
        while offset + 4 <= datagram.count {
            let valueLength = Int(load16(datagram, at: offset + 2))
            let value = offset + 4
            guard value + valueLength <= datagram.count else { return nil }
            if load16(datagram, at: offset) == type { return value..<(value + valueLength) }
            offset = value + ((valueLength + 3) & ~3)
        }
        return nil
    }

    @inline(__always) static func load16(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always) static func load32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(load16(bytes, at: offset)) << 16 | UInt32(load16(bytes, at: offset + 2))
    }
}
