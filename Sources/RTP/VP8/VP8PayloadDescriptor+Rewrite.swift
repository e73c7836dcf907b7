// In-place rewriting of PictureID and TL0PICIDX in a receiver's send-slot copy, so an outgoing
// stream stays continuous across simulcast switches (colibri2.md §5.6).
//
// The descriptor keeps its size: a 7-bit PictureID stays 7-bit and a 15-bit one stays 15-bit, and
// a missing field is never added. Resizing would move the whole VP8 payload by a byte in every
// receiver's copy of every packet, change the packet length that the SRTP trailer room, the MTU
// budget and the RTP padding were sized for, and make retransmissions from the packet cache differ
// in length from the original. It is also unnecessary: RFC 7741 lets either width carry the same
// counter, and a counter kept continuous modulo 2^15 is continuous modulo 2^7 too, so writing the
// low 7 bits into a short field keeps that receiver's sequence gapless.

extension VP8PayloadDescriptor {
    /// Writes `value` as the PictureID of the descriptor at the start of `payload` (a copy laid out
    /// as the one this view was parsed from), truncated to the field's width: 15 bits with M set,
    /// 7 bits otherwise. The M bit is kept.
    @inlinable
    public mutating func setPictureID(_ value: UInt16, in payload: UnsafeMutableRawBufferPointer) throws(VP8RewriteError) {
        guard _pictureID != nil else { throw .pictureIDAbsent }
        guard payload.count >= _length else { throw .bufferTooSmall }
        if _hasLongPictureID {
            let masked = value & 0x7FFF
            payload.writeUInt16(0x8000 | masked, at: _pictureIDOffset)
            _pictureID = masked
        } else {
            let masked = value & 0x7F
            payload.writeUInt8(UInt8(truncatingIfNeeded: masked), at: _pictureIDOffset)
            _pictureID = masked
        }
    }

    /// Writes `value` as the TL0PICIDX of the descriptor at the start of `payload`.
    @inlinable
    public mutating func setTL0PicIdx(_ value: UInt8, in payload: UnsafeMutableRawBufferPointer) throws(VP8RewriteError) {
        guard _tl0PicIdx != nil else { throw .tl0PicIdxAbsent }
        guard payload.count >= _length else { throw .bufferTooSmall }
        payload.writeUInt8(value, at: _tl0PicIdxOffset)
        _tl0PicIdx = value
    }

    /// Writes what `VP8PictureContinuity` decided for this packet: the PictureID, and TL0PICIDX
    /// when the descriptor carries one (the continuity state gives one exactly when it does).
    @inlinable
    public mutating func apply(_ ids: VP8OutgoingIDs, in payload: UnsafeMutableRawBufferPointer) throws(VP8RewriteError) {
        try setPictureID(ids.pictureID, in: payload)
        if let tl0 = ids.tl0PicIdx, _tl0PicIdx != nil { try setTL0PicIdx(tl0, in: payload) }
    }
}
