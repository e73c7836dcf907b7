import Testing

@testable import RTP

@Suite struct VP8PayloadDescriptorRewriteTests {
    typealias Edit = (inout VP8PayloadDescriptor, UnsafeMutableRawBufferPointer) throws(VP8RewriteError) -> Void

    /// Runs `edit` on `payload` in place; returns the error it threw, if any. (The closure stays
    /// untyped towards `withUnsafeMutableBytes`: a typed-throws closure there crashes Swift 6.3.1's IRGen.)
    func rewrite(_ payload: inout [UInt8], _ view: inout VP8PayloadDescriptor, _ edit: Edit) -> VP8RewriteError? {
        payload.withUnsafeMutableBytes { buffer in
            do throws(VP8RewriteError) {
                try edit(&view, buffer)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Parses `payload`, edits it, and returns the new bytes and the view the edit left.
    func rewritten(_ payload: [UInt8], _ edit: Edit) throws -> ([UInt8], VP8PayloadDescriptor) {
        var bytes = payload
        var view = try parseVP8(bytes)
        if let error = rewrite(&bytes, &view, edit) { throw error }
        return (bytes, view)
    }

    @Test func fifteenBitPictureIDStaysFifteenBit() throws {
        let payload = vp8Payload(pictureID: 0x1234, tl0PicIdx: 7, temporalLayerID: 0, keyframe: true)
        let (bytes, view) = try rewritten(payload) { d, b throws(VP8RewriteError) in try d.setPictureID(0x7ABC, in: b) }
        #expect(bytes == vp8Payload(pictureID: 0x7ABC, tl0PicIdx: 7, temporalLayerID: 0, keyframe: true))
        #expect(try parseVP8(bytes) == view)
        #expect(view.pictureID == 0x7ABC && view.length == 6)
    }

    /// A 7-bit field keeps its size and takes the low 7 bits: the value's continuity modulo 2^15
    /// holds modulo 2^7 too.
    @Test func sevenBitPictureIDStaysSevenBit() throws {
        let payload = vp8Payload(pictureID: 0x11, longPictureID: false, tl0PicIdx: 1)
        let (bytes, view) = try rewritten(payload) { d, b throws(VP8RewriteError) in try d.setPictureID(0x1FF, in: b) }
        #expect(bytes == vp8Payload(pictureID: 0x7F, longPictureID: false, tl0PicIdx: 1))
        #expect(bytes.count == payload.count && view.pictureID == 0x7F)
        #expect(try parseVP8(bytes) == view)
    }

    @Test func tl0PicIdxAndApply() throws {
        let payload = vp8Payload(pictureID: 0x10, tl0PicIdx: 255, temporalLayerID: 2, body: [1, 2, 3])
        let ids = VP8OutgoingIDs(pictureID: 0x7FFF, tl0PicIdx: 0)
        let (bytes, view) = try rewritten(payload) { d, b throws(VP8RewriteError) in try d.apply(ids, in: b) }
        #expect(bytes == vp8Payload(pictureID: 0x7FFF, tl0PicIdx: 0, temporalLayerID: 2, body: [1, 2, 3]))
        #expect(view.tl0PicIdx == 0 && view.pictureID == 0x7FFF)
        #expect(try parseVP8(bytes) == view)
    }

    @Test func absentFieldsAreNotAdded() throws {
        var noPicture = vp8Payload(tl0PicIdx: 3)
        var view = try parseVP8(noPicture)
        #expect(rewrite(&noPicture, &view) { d, b throws(VP8RewriteError) in try d.setPictureID(1, in: b) } == .pictureIDAbsent)
        var noTL0 = vp8Payload(pictureID: 3)
        view = try parseVP8(noTL0)
        #expect(rewrite(&noTL0, &view) { d, b throws(VP8RewriteError) in try d.setTL0PicIdx(1, in: b) } == .tl0PicIdxAbsent)
        #expect(noPicture == vp8Payload(tl0PicIdx: 3) && noTL0 == vp8Payload(pictureID: 3))
        // apply skips a TL0PICIDX the descriptor cannot hold, and still writes the PictureID.
        let (bytes, _) = try rewritten(noTL0) { d, b throws(VP8RewriteError) in
            try d.apply(VP8OutgoingIDs(pictureID: 9, tl0PicIdx: 4), in: b)
        }
        #expect(bytes == vp8Payload(pictureID: 9))
    }

    @Test func shortBufferIsRefused() throws {
        var view = try parseVP8(vp8Payload(pictureID: 0x1234, tl0PicIdx: 1))
        var short: [UInt8] = [0x80, 0xC0, 0x92]
        #expect(rewrite(&short, &view) { d, b throws(VP8RewriteError) in try d.setPictureID(1, in: b) } == .bufferTooSmall)
        #expect(rewrite(&short, &view) { d, b throws(VP8RewriteError) in try d.setTL0PicIdx(1, in: b) } == .bufferTooSmall)
        #expect(short == [0x80, 0xC0, 0x92] && view.pictureID == 0x1234)
    }
}
