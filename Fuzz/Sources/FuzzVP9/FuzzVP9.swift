// The VP9 payload descriptor parser (RFC 9628 §4.2), as the forwarder will use it: read the
// descriptor, including any scalability structure, at the start of an RTP payload.
//
// Input: the whole input is the RTP payload (no selector byte: there is only one mode).
// Checks: the descriptor stays inside the input; every field is in its range and present only with
// the flags that call for it; the bytes the descriptor covers, alone, parse to the same view; one
// byte fewer does not parse (every counted byte was needed).

import RTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: data, count: size)
    guard let view = try? VP9PayloadDescriptor(parsing: payload) else { return 0 }
    precondition(view.length >= 1 && view.length <= payload.count, "descriptor length \(view.length)")
    if let pictureID = view.pictureID {
        precondition(pictureID <= (view.hasLongPictureID ? 0x7FFF : 0x7F) && view.pictureIDOffset == 1)
    } else {
        precondition(!view.hasPictureID && !view.isFlexibleMode)
    }
    precondition((view.temporalLayerID != nil) == view.hasLayerIndices && (view.spatialLayerID != nil) == view.hasLayerIndices)
    precondition((view.tl0PicIdx != nil) == (view.hasLayerIndices && !view.isFlexibleMode))
    if view.tl0PicIdx != nil { precondition(view.tl0PicIdxOffset >= 2 && view.tl0PicIdxOffset < view.length) }
    precondition(view.referenceCount <= VP9PayloadDescriptor.maxReferenceCount)
    precondition(view.referenceCount == 0 || (view.isFlexibleMode && view.isInterPicturePredicted))
    precondition((view.scalabilityStructure != nil) == view.hasScalabilityStructure)
    if let ss = view.scalabilityStructure {
        precondition(ss.spatialLayerCount >= 1 && ss.spatialLayerCount <= VP9ScalabilityStructure.maxSpatialLayers)
        precondition(ss.length >= 1 && ss.length < view.length)
        precondition(ss.storedPictureGroupCount <= VP9ScalabilityStructure.pictureGroupCapacity)
        for index in 0..<ss.storedPictureGroupCount {
            guard let entry = ss.pictureGroupEntry(at: index) else { preconditionFailure("entry \(index) missing") }
            precondition(entry.temporalLayerID <= 7 && entry.referenceCount <= VP9PictureGroupEntry.maxReferenceCount)
        }
    }
    precondition(!view.isKeyframeStart || (view.isStartOfFrame && !view.isInterPicturePredicted))

    let covered = UnsafeRawBufferPointer(rebasing: payload[0..<view.length])
    guard let again = try? VP9PayloadDescriptor(parsing: covered) else {
        preconditionFailure("the descriptor's own bytes no longer parse")
    }
    precondition(again == view, "the descriptor depends on bytes after it")
    let shorter = UnsafeRawBufferPointer(rebasing: payload[0..<(view.length - 1)])
    precondition((try? VP9PayloadDescriptor(parsing: shorter)) == nil, "the descriptor's last byte was not needed")
    return 0
}
