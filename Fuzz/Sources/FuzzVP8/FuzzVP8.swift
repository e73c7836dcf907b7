// The VP8 layer of selective forwarding, as the forwarder will use it: parse the RFC 7741
// descriptor of a payload, rewrite PictureID and TL0PICIDX in place on the send copy, and number
// a stream of frames across switches and drops (colibri2.md §5.6).
//
// Input: byte 0 picks the mode.
//   bit 7 clear: descriptor mode. The rest is an RTP payload; byte 0 seeds the values written.
//   bit 7 set:   continuity mode. Bit 6 picks 15-bit (set) or 7-bit PictureIDs for the whole script.
//                The rest is 4-byte records: PictureID high, PictureID low, TL0PICIDX, flags
//                (bit 0 forwarded, else dropped; 1 switched; 2 key-frame start; 3 has TL0PICIDX;
//                 4 has no PictureID).

import RTP

/// The send-slot copy the rewrite edits; one allocation for the whole run.
nonisolated(unsafe) private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1, size - 1 <= scratch.count else { return 0 }
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    if data[0] & 0x80 == 0 {
        checkDescriptor(body, seed: data[0])
    } else {
        checkContinuity(body, longPictureIDs: data[0] & 0x40 != 0)
    }
    return 0
}

private func checkDescriptor(_ payload: UnsafeRawBufferPointer, seed: UInt8) {
    guard let view = try? VP8PayloadDescriptor(parsing: payload) else { return }
    precondition(view.length >= 1 && view.length <= min(6, payload.count), "descriptor length \(view.length)")
    if let pictureID = view.pictureID {
        precondition(pictureID <= (view.hasLongPictureID ? 0x7FFF : 0x7F) && view.pictureIDOffset == 2)
        precondition(view.pictureIDOffset + (view.hasLongPictureID ? 2 : 1) <= view.length)
    }
    if view.tl0PicIdx != nil { precondition(view.tl0PicIdxOffset >= 2 && view.tl0PicIdxOffset < view.length) }
    precondition(!view.isKeyframeStart || (view.isStartOfFrame && view.length < payload.count))

    let copy = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<payload.count])
    copy.copyMemory(from: payload)
    var edited = view
    let ids = VP8OutgoingIDs(pictureID: UInt16(seed) &* 0x0203, tl0PicIdx: ~seed)
    do {
        try edited.apply(ids, in: copy)
    } catch {
        precondition(error == .pictureIDAbsent && view.pictureID == nil, "apply refused: \(error)")
        return
    }
    // The rewrite keeps the descriptor's size and touches only PictureID and TL0PICIDX.
    guard let reparsed = try? VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(copy)) else {
        preconditionFailure("rewritten payload no longer parses")
    }
    precondition(reparsed == edited, "view after the rewrite differs from a fresh parse")
    precondition(reparsed.pictureID == ids.pictureID & (view.hasLongPictureID ? 0x7FFF : 0x7F))
    precondition(view.tl0PicIdx == nil || reparsed.tl0PicIdx == ids.tl0PicIdx)
    for index in 0..<payload.count where !(index >= 2 && index < view.length) {
        precondition(copy[index] == payload[index], "byte \(index) changed")
    }
}

private func checkContinuity(_ script: UnsafeRawBufferPointer, longPictureIDs: Bool) {
    var state = VP8PictureContinuity()
    var tl0Offset: UInt8?
    var previous: (pictureID: UInt16, sent: VP8OutgoingIDs)?
    var record = 0
    while record + 4 <= script.count {
        let flags = script[record + 3]
        let pictureID = (UInt16(script[record]) << 8 | UInt16(script[record + 1])) & (longPictureIDs ? 0x7FFF : 0x7F)
        let ids = VP8IncomingIDs(
            pictureID: flags & 0x10 != 0 ? nil : pictureID, hasLongPictureID: longPictureIDs,
            tl0PicIdx: flags & 0x08 != 0 ? script[record + 2] : nil, isKeyframeStart: flags & 0x04 != 0)
        record += 4
        guard flags & 0x01 != 0 else {
            state.handleDropped(ids)
            previous = nil
            continue
        }
        let switched = flags & 0x02 != 0
        guard let sent = try? state.handleForwarded(ids, switched: switched) else { continue }
        precondition(sent.pictureID <= 0x7FFF)
        precondition((sent.tl0PicIdx == nil) == (ids.tl0PicIdx == nil))
        // TL0PICIDX moves by a fixed offset between switches.
        if switched { tl0Offset = nil }
        if let tl0 = ids.tl0PicIdx, let out = sent.tl0PicIdx {
            if let tl0Offset { precondition(out &- tl0 == tl0Offset, "TL0PICIDX offset changed without a switch") }
            tl0Offset = out &- tl0
        }
        // Packets of one frame in a row leave with one PictureID.
        if !switched, let previous, previous.pictureID == pictureID {
            precondition(sent.pictureID == previous.sent.pictureID, "one frame, two PictureIDs")
        }
        previous = (pictureID, sent)
    }
}
