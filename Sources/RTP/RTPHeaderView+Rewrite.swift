// In-place rewriting of the fixed header fields, for the forwarder's per-receiver send-slot copy
// (style.md B3: copy once, rewrite SSRC/seq/ts there, protect there).

extension RTPHeaderView {
    /// Writes a 12-byte RTP header without CSRCs or extension into `buffer`; returns 12.
    @inlinable
    public static func write(
        payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, marker: Bool = false,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard buffer.count >= 12 else { throw .bufferTooSmall }
        guard payloadType < 128 else { throw .valueOutOfRange }
        buffer.writeUInt8(0x80, at: 0)
        buffer.writeUInt8((marker ? 0x80 : 0) | payloadType, at: 1)
        buffer.writeUInt16(sequenceNumber, at: 2)
        buffer.writeUInt32(timestamp, at: 4)
        buffer.writeUInt32(ssrc, at: 8)
        return 12
    }

    /// Replaces the SSRC in `packet` (a copy laid out as the one this view was parsed from).
    @inlinable
    public mutating func setSSRC(_ value: UInt32, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard packet.count >= 12 else { throw .bufferTooSmall }
        packet.writeUInt32(value, at: 8)
        _ssrc = value
    }

    /// Replaces the sequence number in `packet`.
    @inlinable
    public mutating func setSequenceNumber(_ value: UInt16, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard packet.count >= 12 else { throw .bufferTooSmall }
        packet.writeUInt16(value, at: 2)
        _sequenceNumber = value
    }

    /// Replaces the RTP timestamp in `packet`.
    @inlinable
    public mutating func setTimestamp(_ value: UInt32, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard packet.count >= 12 else { throw .bufferTooSmall }
        packet.writeUInt32(value, at: 4)
        _timestamp = value
    }

    /// Replaces the 7-bit payload type in `packet`, keeping the marker bit.
    @inlinable
    public mutating func setPayloadType(_ value: UInt8, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard packet.count >= 12 else { throw .bufferTooSmall }
        guard value < 128 else { throw .valueOutOfRange }
        packet.writeUInt8((packet[1] & 0x80) | value, at: 1)
        _payloadType = value
    }

    /// Sets or clears the marker bit in `packet`.
    @inlinable
    public mutating func setMarker(_ value: Bool, in packet: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard packet.count >= 12 else { throw .bufferTooSmall }
        packet.writeUInt8((packet[1] & 0x7F) | (value ? 0x80 : 0), at: 1)
        _marker = value
    }
}
