// draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: the transport-wide sequence number
// extension carries a 16-bit big-endian counter the sender increments for every packet on the
// transport, whatever its SSRC. Its id comes from the negotiated extmap (jicofo offers 5).

extension RTPHeaderExtensionElement {
    /// The transport-wide sequence number this element carries, or nil if its data is shorter than
    /// 2 bytes or lies outside `packet`. Later versions of the extension append fields after the
    /// first 2 bytes; those are ignored.
    @inlinable
    public func transportSequenceNumber(in packet: UnsafeRawBufferPointer) -> UInt16? {
        guard length >= 2, offset >= 0, offset <= packet.count &- 2 else { return nil }
        return packet.readUInt16(offset)
    }
}

extension RTPHeaderView {
    /// The transport-wide sequence number in the extension element `id`, or nil if the packet
    /// has no such element or it is malformed.
    @inlinable
    public func transportSequenceNumber(extensionID id: UInt8, in packet: UnsafeRawBufferPointer) -> UInt16? {
        extensionElement(id: id, in: packet)?.transportSequenceNumber(in: packet)
    }
}
