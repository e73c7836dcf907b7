import Testing

@testable import RTP

@Suite struct VP8PictureContinuityTests {
    typealias IDs = VP8IncomingIDs

    static func frame(_ pictureID: UInt16, tl0 tl0PicIdx: UInt8? = nil, key: Bool = false, long: Bool = true) -> IDs {
        IDs(pictureID: pictureID, hasLongPictureID: long, tl0PicIdx: tl0PicIdx, isKeyframeStart: key)
    }

    static func out(_ pictureID: UInt16, _ tl0PicIdx: UInt8? = nil) -> VP8OutgoingIDs {
        VP8OutgoingIDs(pictureID: pictureID, tl0PicIdx: tl0PicIdx)
    }

    @Test func firstKeyframeKeepsItsOwnNumbersAndLaterPacketsOfAFrameMatch() throws {
        var state = VP8PictureContinuity()
        #expect(try state.handleForwarded(Self.frame(1000, tl0: 50, key: true), switched: false) == Self.out(1000, 50))
        // The key frame's other packets carry no payload header, so they are not "key frame starts".
        #expect(try state.handleForwarded(Self.frame(1000, tl0: 50), switched: false) == Self.out(1000, 50))
        #expect(try state.handleForwarded(Self.frame(1001, tl0: 50), switched: false) == Self.out(1001, 50))
        #expect(try state.handleForwarded(Self.frame(1001, tl0: 50), switched: false) == Self.out(1001, 50))
        #expect(try state.handleForwarded(Self.frame(1002, tl0: 51), switched: false) == Self.out(1002, 51))
    }

    @Test func aStreamStartsAndSwitchesOnlyAtAKeyframe() throws {
        var state = VP8PictureContinuity()
        #expect(throws: VP8ContinuityError.needsKeyframe) { try state.handleForwarded(Self.frame(5), switched: false) }
        #expect(throws: VP8ContinuityError.pictureIDAbsent) {
            try state.handleForwarded(IDs(pictureID: nil, isKeyframeStart: true), switched: true)
        }
        #expect(try state.handleForwarded(Self.frame(5, key: true), switched: false) == Self.out(5))
        #expect(throws: VP8ContinuityError.needsKeyframe) { try state.handleForwarded(Self.frame(900), switched: true) }
        // The refused switch left the state alone.
        #expect(try state.handleForwarded(Self.frame(6), switched: false) == Self.out(6))
    }

    /// Two simulcast encodings with unrelated PictureIDs and TL0PICIDX: low starts at 100/10, high
    /// at 20000/200. The receiver sees one gapless run, in both directions of switch.
    @Test func switchingBetweenEncodingsWithUnrelatedNumbersStaysContinuous() throws {
        var state = VP8PictureContinuity()
        var sent: [VP8OutgoingIDs] = []
        for i in UInt16(0)..<4 {  // low: frames 100...103, TL0PICIDX 10, 10, 11, 11
            sent.append(try state.handleForwarded(Self.frame(100 + i, tl0: 10 + UInt8(i / 2), key: i == 0), switched: false))
        }
        // Switch to high at its key frame 20007 (TL0PICIDX 203); then its next frames.
        sent.append(try state.handleForwarded(Self.frame(20007, tl0: 203, key: true), switched: true))
        sent.append(try state.handleForwarded(Self.frame(20007, tl0: 203), switched: false))
        sent.append(try state.handleForwarded(Self.frame(20008, tl0: 203), switched: false))
        sent.append(try state.handleForwarded(Self.frame(20009, tl0: 204), switched: false))
        // And back to low, whose numbers moved on meanwhile (frame 130, TL0PICIDX 25).
        sent.append(try state.handleForwarded(Self.frame(130, tl0: 25, key: true), switched: true))
        sent.append(try state.handleForwarded(Self.frame(131, tl0: 25), switched: false))
        #expect(sent.map(\.pictureID) == [100, 101, 102, 103, 104, 104, 105, 106, 107, 108])
        #expect(sent.map(\.tl0PicIdx) == [10, 10, 11, 11, 12, 12, 12, 13, 14, 14])
    }

    /// L1T3 with the top layer dropped: PictureID closes the gaps; TL0PICIDX is untouched.
    @Test func framesDroppedOnPurposeLeaveNoPictureIDGap() throws {
        var state = VP8PictureContinuity()
        let tids: [UInt8] = [0, 2, 1, 2, 0, 2, 1, 2, 0]
        var sent: [VP8OutgoingIDs] = []
        var tl0: UInt8 = 40
        for (i, tid) in tids.enumerated() {
            if i > 0 && tid == 0 { tl0 &+= 1 }
            let ids = Self.frame(500 + UInt16(i), tl0: tl0, key: i == 0)
            if tid == 2 {
                state.handleDropped(ids)
                state.handleDropped(ids)  // a second packet of the same dropped frame changes nothing
            } else {
                sent.append(try state.handleForwarded(ids, switched: false))
            }
        }
        #expect(sent == [Self.out(500, 40), Self.out(501, 40), Self.out(502, 41), Self.out(503, 41), Self.out(504, 42)])
    }

    /// A frame lost before the bridge keeps its gap (the receiver must see it); dropped ones do not.
    @Test func lostFramesKeepTheirGap() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(10, key: true), switched: false)
        // 11 lost, 12 dropped on purpose, 13 forwarded: one gap for 11.
        state.handleDropped(Self.frame(12))
        #expect(try state.handleForwarded(Self.frame(13), switched: false) == Self.out(12))
        // 14 lost, then a switch: the key frame follows the last ID used.
        #expect(try state.handleForwarded(Self.frame(7000, key: true), switched: true) == Self.out(13))
    }

    @Test func latePacketsGetTheirFramesNumbers() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(10, key: true), switched: false)  // → 10
        state.handleDropped(Self.frame(11))
        _ = try state.handleForwarded(Self.frame(13), switched: false)  // 12 lost → 12
        _ = try state.handleForwarded(Self.frame(14), switched: false)  // → 13
        // A retransmission of frame 10 and the late frame 12 fit where they belong.
        #expect(try state.handleForwarded(Self.frame(10), switched: false) == Self.out(10))
        #expect(try state.handleForwarded(Self.frame(12), switched: false) == Self.out(11))
        // Frame 11 was dropped on purpose: its number went to frame 13.
        #expect(throws: VP8ContinuityError.notForwardable) { try state.handleForwarded(Self.frame(11), switched: false) }
        // Frames before the first one forwarded have no place.
        #expect(throws: VP8ContinuityError.notForwardable) { try state.handleForwarded(Self.frame(9), switched: false) }
    }

    @Test func historyIsBounded() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(0, key: true), switched: false)
        for pictureID in UInt16(1)...40 { _ = try state.handleForwarded(Self.frame(pictureID), switched: false) }
        #expect(try state.handleForwarded(Self.frame(9), switched: false) == Self.out(9))
        #expect(throws: VP8ContinuityError.notForwardable) { try state.handleForwarded(Self.frame(8), switched: false) }
    }

    @Test func pictureIDWrapsAt0x7FFF() throws {
        var state = VP8PictureContinuity()
        let incoming: [UInt16] = [0x7FFD, 0x7FFE, 0x7FFF, 0, 1]
        let sent = try incoming.enumerated().map { i, pictureID in
            try state.handleForwarded(Self.frame(pictureID, key: i == 0), switched: false).pictureID
        }
        #expect(sent == incoming)
        // The outgoing counter wraps too: a switch after 1 from an encoding near the top.
        var switched = VP8PictureContinuity()
        _ = try switched.handleForwarded(Self.frame(0x7FFE, key: true), switched: false)
        #expect(try switched.handleForwarded(Self.frame(3, key: true), switched: true).pictureID == 0x7FFF)
        #expect(try switched.handleForwarded(Self.frame(4), switched: false).pictureID == 0)
        #expect(try switched.handleForwarded(Self.frame(5), switched: false).pictureID == 1)
    }

    @Test func tl0PicIdxWrapsAt255() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(1, tl0: 254, key: true), switched: false)
        #expect(try state.handleForwarded(Self.frame(2, tl0: 255), switched: false).tl0PicIdx == 255)
        #expect(try state.handleForwarded(Self.frame(3, tl0: 0), switched: false).tl0PicIdx == 0)
        // Through a switch's offset: last sent 0, new encoding at 77 → 1, 78 → 2.
        #expect(try state.handleForwarded(Self.frame(600, tl0: 77, key: true), switched: true).tl0PicIdx == 1)
        var other = VP8PictureContinuity()
        _ = try other.handleForwarded(Self.frame(1, tl0: 255, key: true), switched: false)
        #expect(try other.handleForwarded(Self.frame(50, tl0: 3, key: true), switched: true).tl0PicIdx == 0)
        #expect(try other.handleForwarded(Self.frame(51, tl0: 4), switched: false).tl0PicIdx == 1)
    }

    /// An encoding whose key frame carries no TL0PICIDX takes its offset from its first packet that does.
    @Test func tl0PicIdxOffsetIsFixedByTheFirstPacketThatHasOne() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(1, tl0: 30, key: true), switched: false)
        #expect(try state.handleForwarded(Self.frame(900, key: true), switched: true) == Self.out(2))
        #expect(try state.handleForwarded(Self.frame(901, tl0: 200), switched: false) == Self.out(3, 31))
        #expect(try state.handleForwarded(Self.frame(902, tl0: 201), switched: false) == Self.out(4, 32))
    }

    /// Parse → number → rewrite in place → parse again, across a switch from a 15-bit encoding to
    /// one that sends 7-bit PictureIDs (whose field keeps the low 7 bits of the outgoing counter).
    @Test func descriptorsRewrittenInPlaceAcrossASwitch() throws {
        var state = VP8PictureContinuity()
        let payloads = [
            (vp8Payload(pictureID: 0x4000, tl0PicIdx: 90, temporalLayerID: 0, keyframe: true), false),
            (vp8Payload(pictureID: 0x4001, tl0PicIdx: 90, temporalLayerID: 1), false),
            (vp8Payload(pictureID: 5, longPictureID: false, tl0PicIdx: 3, temporalLayerID: 0, keyframe: true), true),
            (vp8Payload(pictureID: 6, longPictureID: false, tl0PicIdx: 3, temporalLayerID: 1), false),
        ]
        var received: [(UInt16?, UInt8?)] = []
        for (payload, switched) in payloads {
            var bytes = payload
            var view = try parseVP8(bytes)
            let ids = try state.handleForwarded(VP8IncomingIDs(view), switched: switched)
            let refusal: VP8RewriteError? = bytes.withUnsafeMutableBytes { buffer in
                do throws(VP8RewriteError) {
                    try view.apply(ids, in: buffer)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(refusal == nil && bytes.count == payload.count)
            let reparsed = try parseVP8(bytes)
            #expect(reparsed == view)
            received.append((reparsed.pictureID, reparsed.tl0PicIdx))
        }
        #expect(received.map(\.0) == [0x4000, 0x4001, 0x02, 0x03])  // 0x4002 and 0x4003, low 7 bits
        #expect(received.map(\.1) == [90, 90, 91, 91])
    }

    /// A 7-bit source wraps at 127 → 0; the outgoing 15-bit counter keeps counting.
    @Test func sevenBitSourceWrapsAt127() throws {
        var state = VP8PictureContinuity()
        _ = try state.handleForwarded(Self.frame(0x7FFE, key: true), switched: false)
        let incoming: [UInt16] = [126, 127, 0, 1]
        let sent = try incoming.enumerated().map { i, pictureID in
            try state.handleForwarded(Self.frame(pictureID, key: i == 0, long: false), switched: i == 0).pictureID
        }
        #expect(sent == [0x7FFF, 0, 1, 2])
        state.handleDropped(Self.frame(2, long: false))
        #expect(try state.handleForwarded(Self.frame(3, long: false), switched: false).pictureID == 3)
    }

    /// Two L1T3 encodings near their wraps, each sending a frame per tick in 1–3 packets with random
    /// key frames; the selector forwards one, drops frames above a randomly changing target TID, and
    /// switches at the other's key frame when asked. Without loss the receiver must see every
    /// forwarded frame at the previous PictureID + 1, and TL0PICIDX + 1 at each base-layer frame.
    @Test func randomSwitchesAndDropsGiveAGaplessRun() throws {
        var generator = SeededGenerator(seed: 0x5642)
        var pictureIDs: [UInt16] = [0x7FF0, 123]
        var tl0s: [UInt8] = [250, 3]
        var frameIndex = [0, 0]
        var current = -1  // nothing forwarded until encoding 0's first key frame
        var switchTo: Int? = 0
        var targetTID: UInt8 = 2
        var state = VP8PictureContinuity()
        var last: VP8OutgoingIDs?
        var forwardedFrames = 0
        var switches = 0
        for _ in 0..<20_000 {
            if current >= 0, Int.random(in: 0..<40, using: &generator) == 0 { switchTo = 1 - current }
            if Int.random(in: 0..<30, using: &generator) == 0 { targetTID = UInt8.random(in: 0...2, using: &generator) }
            for encoding in 0..<2 {
                let keyframe = Int.random(in: 0..<12, using: &generator) == 0
                frameIndex[encoding] = keyframe ? 0 : frameIndex[encoding] + 1
                let tid: UInt8 = [0, 2, 1, 2][frameIndex[encoding] % 4]
                pictureIDs[encoding] = (pictureIDs[encoding] &+ 1) & 0x7FFF
                if tid == 0 { tl0s[encoding] &+= 1 }
                let switching = switchTo == encoding && keyframe
                guard encoding == current || switching else { continue }
                if switching {
                    current = encoding
                    switchTo = nil
                    switches += 1
                } else if tid > targetTID {
                    for _ in 0..<Int.random(in: 1...3, using: &generator) {
                        state.handleDropped(Self.frame(pictureIDs[encoding], tl0: tl0s[encoding]))
                    }
                    continue
                }
                var first: VP8OutgoingIDs?
                for packet in 0..<Int.random(in: 1...3, using: &generator) {
                    let ids = Self.frame(pictureIDs[encoding], tl0: tl0s[encoding], key: keyframe && packet == 0)
                    let sent = try state.handleForwarded(ids, switched: switching && packet == 0)
                    if let first {
                        #expect(sent == first)
                        continue
                    }
                    first = sent
                    if let last {
                        #expect(sent.pictureID == (last.pictureID &+ 1) & 0x7FFF)
                        #expect(sent.tl0PicIdx == (tid == 0 ? last.tl0PicIdx.map { $0 &+ 1 } : last.tl0PicIdx))
                    }
                    last = sent
                    forwardedFrames += 1
                }
            }
        }
        // The run went through both wraps and many switches.
        #expect(forwardedFrames > 10_000 && switches > 50)
    }
}
