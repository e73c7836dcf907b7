import Testing

@testable import RTP

/// FuzzVP9's checks (Fuzz/Sources/FuzzVP9/FuzzVP9.swift) as test expectations, so `swift test`
/// holds every committed input to what the fuzzer held it to, without the sanitizers.
enum FuzzVP9Replay {
    /// Replays one input (an RTP payload); returns what the parser made of it.
    static func replay(_ payload: [UInt8], name: String) -> Result<VP9PayloadDescriptor, VP9ParseError> {
        let outcome = parseVP9Outcome(payload)
        guard case .success(let view) = outcome else { return outcome }
        #expect(view.length >= 1 && view.length <= payload.count, "\(name)")
        if let pictureID = view.pictureID {
            #expect(pictureID <= (view.hasLongPictureID ? 0x7FFF : 0x7F) && view.pictureIDOffset == 1, "\(name)")
        } else {
            #expect(!view.hasPictureID && !view.isFlexibleMode, "\(name)")
        }
        #expect((view.temporalLayerID != nil) == view.hasLayerIndices && (view.spatialLayerID != nil) == view.hasLayerIndices, "\(name)")
        #expect((view.tl0PicIdx != nil) == (view.hasLayerIndices && !view.isFlexibleMode), "\(name)")
        #expect(view.tl0PicIdx == nil || (view.tl0PicIdxOffset >= 2 && view.tl0PicIdxOffset < view.length), "\(name)")
        #expect(view.referenceCount <= VP9PayloadDescriptor.maxReferenceCount, "\(name)")
        #expect(view.referenceCount == 0 || (view.isFlexibleMode && view.isInterPicturePredicted), "\(name)")
        #expect((view.scalabilityStructure != nil) == view.hasScalabilityStructure, "\(name)")
        if let ss = view.scalabilityStructure {
            #expect(ss.spatialLayerCount >= 1 && ss.spatialLayerCount <= VP9ScalabilityStructure.maxSpatialLayers, "\(name)")
            #expect(ss.length >= 1 && ss.length < view.length, "\(name)")
            #expect(ss.storedPictureGroupCount <= VP9ScalabilityStructure.pictureGroupCapacity, "\(name)")
            for index in 0..<ss.storedPictureGroupCount {
                let entry = ss.pictureGroupEntry(at: index)
                #expect(entry.map { $0.temporalLayerID <= 7 && $0.referenceCount <= 3 } == true, "\(name): entry \(index)")
            }
        }
        #expect(!view.isKeyframeStart || (view.isStartOfFrame && !view.isInterPicturePredicted), "\(name)")
        #expect(parseVP9Outcome(Array(payload.prefix(view.length))) == .success(view), "\(name): depends on bytes after it")
        #expect((try? parseVP9(Array(payload.prefix(view.length - 1)))) == nil, "\(name): last byte not needed")
        return outcome
    }
}
