// Outgoing-stream continuity of the VP8 PictureID and TL0PICIDX for one receiver's slot, across
// simulcast switches and frames the bridge drops on purpose (colibri2.md §5.6). Sans-IO: numbers
// in, numbers out; `VP8PayloadDescriptor.apply` writes them. Sequence numbers and timestamps are
// a separate concern.

/// Keeps one outgoing VP8 stream's PictureID and TL0PICIDX continuous while the bridge switches the
/// encoding it forwards and drops frames (temporal layers above the target).
///
/// - **PictureID** (15 bits out, wrapping 0x7FFF → 0): a frame dropped on purpose consumes no ID, so
///   the next forwarded frame gets the next ID; a frame lost before the bridge keeps its gap, so the
///   receiver still sees the loss. At a switch the new encoding's key frame gets the last ID + 1.
/// - **TL0PICIDX** (8 bits, wrapping 255 → 0): a fixed offset per encoding, set at a switch so the
///   key frame gets the last outgoing value + 1. Unlike PictureID it is not collapsed over dropped
///   frames: the bridge only drops frames with TID > 0 within an encoding, which never advance it, and
///   if a base-layer frame is missing the receiver must see the gap, because the next base-layer frame
///   references it. That is also why TID plays no part here.
///
/// Drive it per packet, in arrival order: `handleForwarded` for packets the selector forwards (with
/// `switched` on the first packet of the new encoding's key frame), `handleDropped` for packets of
/// frames of the forwarded encoding it drops on purpose. Packets of encodings not being forwarded are
/// not reported at all. After a switch the caller must stop forwarding the old encoding's packets.
public struct VP8PictureContinuity: Sendable {
    /// Whether anything was forwarded yet; the first frame keeps its own numbers.
    private var started = false
    /// The newest frame seen in the forwarded encoding (forwarded or dropped), as sent.
    private var anchorIncoming: UInt16 = 0
    /// The outgoing PictureID at the anchor: the anchor's own if it was forwarded, else the last one
    /// used before it, plus any gap of lost frames.
    private var anchorOutgoing: UInt16 = 0
    /// The anchor frame was forwarded (its later packets then take `anchorOutgoing` at once).
    private var anchorForwarded = false
    /// Added to incoming TL0PICIDX values (mod 256) since the last switch; nil until a packet of the
    /// current encoding carried one.
    private var tl0Offset: UInt8?
    /// The newest TL0PICIDX sent, for the next switch.
    private var lastOutgoingTL0PicIdx: UInt8?
    private var history = VP8ForwardedFrameHistory()

    /// A slot that has sent nothing yet.
    public init() {}

    /// The outgoing numbers for a forwarded packet. `switched` marks the first packet of the first
    /// key frame of a newly selected encoding; the first packet ever forwarded counts as one.
    public mutating func handleForwarded(_ ids: VP8IncomingIDs, switched: Bool) throws(VP8ContinuityError) -> VP8OutgoingIDs {
        guard let pictureID = ids.pictureID else { throw .pictureIDAbsent }
        let modulus: UInt16 = ids.hasLongPictureID ? 0x8000 : 0x80
        if switched || !started {
            guard ids.isKeyframeStart else { throw .needsKeyframe }
            startEncoding(at: pictureID, tl0PicIdx: ids.tl0PicIdx)
        } else {
            let step = Self.distance(from: anchorIncoming, to: pictureID, modulus: modulus)
            if step == 0 && anchorForwarded {
                // The common case: another packet of the newest forwarded frame.
            } else if step > 0 {
                // A new frame: lost frames in between keep their gap; dropped ones were already
                // taken out of anchorOutgoing by handleDropped.
                anchorIncoming = pictureID
                anchorOutgoing = (anchorOutgoing &+ UInt16(truncatingIfNeeded: step)) & 0x7FFF
                anchorForwarded = true
                history.append(incoming: pictureID, outgoing: anchorOutgoing, forwarded: true)
                if let tl0 = ids.tl0PicIdx { lastOutgoingTL0PicIdx = projectTL0PicIdx(tl0) }
            } else {
                // Another packet of a known frame, or a late one.
                guard let placed = history.place(pictureID, modulus: modulus) else {
                    throw .notForwardable
                }
                return VP8OutgoingIDs(pictureID: placed, tl0PicIdx: ids.tl0PicIdx.map { projectTL0PicIdx($0) })
            }
        }
        return VP8OutgoingIDs(pictureID: anchorOutgoing, tl0PicIdx: ids.tl0PicIdx.map { projectTL0PicIdx($0) })
    }

    /// Records a packet of the forwarded encoding that the bridge drops on purpose. The first packet
    /// of a new frame takes that frame out of the outgoing numbering; repeats and late packets change
    /// nothing.
    public mutating func handleDropped(_ ids: VP8IncomingIDs) {
        guard started, let pictureID = ids.pictureID else { return }
        let modulus: UInt16 = ids.hasLongPictureID ? 0x8000 : 0x80
        let step = Self.distance(from: anchorIncoming, to: pictureID, modulus: modulus)
        guard step > 0 else { return }
        anchorIncoming = pictureID
        anchorForwarded = false
        // The dropped frame takes no ID, but frames lost before it (step − 1) keep theirs.
        anchorOutgoing = (anchorOutgoing &+ UInt16(truncatingIfNeeded: step &- 1)) & 0x7FFF
        history.append(incoming: pictureID, outgoing: anchorOutgoing, forwarded: false)
    }

    private mutating func startEncoding(at pictureID: UInt16, tl0PicIdx: UInt8?) {
        let outgoing = started ? (anchorOutgoing &+ 1) & 0x7FFF : pictureID & 0x7FFF
        tl0Offset = nil
        if let tl0PicIdx { lastOutgoingTL0PicIdx = projectTL0PicIdx(tl0PicIdx) }
        started = true
        anchorIncoming = pictureID
        anchorOutgoing = outgoing
        anchorForwarded = true
        history.removeAll()
        history.append(incoming: pictureID, outgoing: outgoing, forwarded: true)
    }

    /// The outgoing TL0PICIDX for `tl0PicIdx` of the current encoding. The first value of an
    /// encoding fixes the offset: it continues from the last one sent (+ 1, a new base-layer frame),
    /// or keeps the encoding's own when none was sent yet.
    private mutating func projectTL0PicIdx(_ tl0PicIdx: UInt8) -> UInt8 {
        if let tl0Offset { return tl0PicIdx &+ tl0Offset }
        let offset = lastOutgoingTL0PicIdx.map { ($0 &+ 1) &- tl0PicIdx } ?? 0
        tl0Offset = offset
        return tl0PicIdx &+ offset
    }

    /// The signed distance from `a` to `b` modulo `modulus` (a power of two), in
    /// −modulus/2 ..< modulus/2: positive when `b` is newer. A step of exactly half counts as backwards.
    static func distance(from a: UInt16, to b: UInt16, modulus: UInt16) -> Int {
        let mask = modulus &- 1
        let forward = Int((b &- a) & mask)
        return forward >= Int(modulus / 2) ? forward - Int(modulus) : forward
    }
}
