import Testing

@testable import RTP

/// FuzzVP8's checks (Fuzz/Sources/FuzzVP8/FuzzVP8.swift) as test expectations, so `swift test`
/// holds every committed input to what the fuzzer held it to, without the sanitizers.
enum FuzzVP8Replay {
    /// What a descriptor-mode input did: refused by the parser, or parsed (and rewritten when it
    /// carries a PictureID).
    enum DescriptorOutcome: Equatable {
        case rejected(VP8ParseError)
        case parsed(VP8PayloadDescriptor, rewritten: Bool)
    }

    /// Replays one input; returns nil for continuity-mode inputs, whose outcome is `continuity`.
    static func replayDescriptor(_ input: [UInt8], name: String) -> DescriptorOutcome? {
        guard let seed = input.first, seed & 0x80 == 0 else { return nil }
        let payload = Array(input.dropFirst())
        let view: VP8PayloadDescriptor
        switch parseOutcome(payload) {
        case .failure(let error): return .rejected(error)
        case .success(let parsed): view = parsed
        }
        #expect(view.length >= 1 && view.length <= min(6, payload.count), "\(name)")
        if let pictureID = view.pictureID {
            #expect(pictureID <= (view.hasLongPictureID ? 0x7FFF : 0x7F) && view.pictureIDOffset == 2, "\(name)")
        }
        #expect(!view.isKeyframeStart || (view.isStartOfFrame && view.length < payload.count), "\(name)")

        var copy = payload
        var edited = view
        let ids = VP8OutgoingIDs(pictureID: UInt16(seed) &* 0x0203, tl0PicIdx: ~seed)
        let refusal: VP8RewriteError? = copy.withUnsafeMutableBytes { buffer in
            do throws(VP8RewriteError) {
                try edited.apply(ids, in: buffer)
                return nil
            } catch {
                return error
            }
        }
        if let refusal {
            #expect(refusal == .pictureIDAbsent && view.pictureID == nil, "\(name): \(refusal)")
            return .parsed(view, rewritten: false)
        }
        #expect(parseOutcome(copy) == .success(edited), "\(name): the rewrite does not parse back to its view")
        #expect(edited.pictureID == ids.pictureID & (view.hasLongPictureID ? 0x7FFF : 0x7F), "\(name)")
        #expect(view.tl0PicIdx == nil || edited.tl0PicIdx == ids.tl0PicIdx, "\(name)")
        let untouched = payload.indices.filter { !($0 >= 2 && $0 < view.length) }
        #expect(untouched.allSatisfy { copy[$0] == payload[$0] }, "\(name): bytes outside the fields changed")
        return .parsed(view, rewritten: true)
    }

    /// Replays a continuity-mode input; each forwarded record's result, in order.
    static func replayContinuity(_ input: [UInt8], name: String) -> [Result<VP8OutgoingIDs, VP8ContinuityError>]? {
        guard let mode = input.first, mode & 0x80 != 0 else { return nil }
        let long = mode & 0x40 != 0
        let script = Array(input.dropFirst())
        var state = VP8PictureContinuity()
        var results: [Result<VP8OutgoingIDs, VP8ContinuityError>] = []
        var tl0Offset: UInt8?
        var previous: (pictureID: UInt16, sent: VP8OutgoingIDs)?
        for start in stride(from: 0, to: script.count - 3, by: 4) {
            let flags = script[start + 3]
            let pictureID = (UInt16(script[start]) << 8 | UInt16(script[start + 1])) & (long ? 0x7FFF : 0x7F)
            let ids = VP8IncomingIDs(
                pictureID: flags & 0x10 != 0 ? nil : pictureID, hasLongPictureID: long,
                tl0PicIdx: flags & 0x08 != 0 ? script[start + 2] : nil, isKeyframeStart: flags & 0x04 != 0)
            guard flags & 0x01 != 0 else {
                state.handleDropped(ids)
                previous = nil
                continue
            }
            let switched = flags & 0x02 != 0
            let sent: VP8OutgoingIDs
            do throws(VP8ContinuityError) {
                sent = try state.handleForwarded(ids, switched: switched)
            } catch {
                results.append(.failure(error))
                continue
            }
            results.append(.success(sent))
            #expect(sent.pictureID <= 0x7FFF && (sent.tl0PicIdx == nil) == (ids.tl0PicIdx == nil), "\(name)")
            if switched { tl0Offset = nil }
            if let tl0 = ids.tl0PicIdx, let out = sent.tl0PicIdx {
                if let tl0Offset { #expect(out &- tl0 == tl0Offset, "\(name): TL0PICIDX offset changed without a switch") }
                tl0Offset = out &- tl0
            }
            if !switched, let previous, previous.pictureID == pictureID {
                #expect(sent.pictureID == previous.sent.pictureID, "\(name): one frame, two PictureIDs")
            }
            previous = (pictureID, sent)
        }
        return results
    }
}
