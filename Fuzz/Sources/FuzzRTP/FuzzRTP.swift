// RTP header parsing and RFC 8285 extension handling as the forwarder does it: parse, walk the
// elements, then strip a subset in place on the send copy (colibri2.md §5.2).

import RTP

/// The send-slot copy `retainExtensions` edits; one allocation for the whole run.
nonisolated(unsafe) private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The first byte picks which extension ids survive the strip; the rest is the packet.
    guard size >= 1, size - 1 <= scratch.count else { return 0 }
    let keepSelector = data[0]
    let packet = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard var view = try? RTPHeaderView(parsing: packet) else { return 0 }

    precondition(view.packetLength == packet.count, "lengths do not add up: \(view.packetLength) vs \(packet.count)")
    precondition(view.headerLength >= 12 && view.headerLength <= packet.count)
    for index in 0...view.csrcCount {
        _ = view.csrc(index, in: packet)
    }
    var keep = RTPExtensionIDSet()
    var elements = view.extensionElements(in: packet)
    while true {
        let element: RTPHeaderExtensionElement?
        do { element = try elements.nextElement() } catch { break }
        guard let element else { break }
        precondition(element.offset >= view.extensionOffset && element.offset + element.length <= view.headerLength)
        if keepSelector & (1 << (element.id % 8)) != 0 { keep.insert(element.id) }
    }
    _ = view.extensionElement(id: keepSelector & 0x0F, in: packet)

    let copy = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<packet.count])
    copy.copyMemory(from: packet)
    let before = view
    guard let length = try? view.retainExtensions(keep, in: copy) else { return 0 }
    precondition(length <= packet.count && length == view.packetLength)
    precondition(view.payloadLength == before.payloadLength && view.paddingLength == before.paddingLength)
    // The edited packet must parse again to the view the edit left behind, payload intact.
    let edited = UnsafeRawBufferPointer(rebasing: copy[0..<length])
    guard let reparsed = try? RTPHeaderView(parsing: edited) else { preconditionFailure("edited packet no longer parses") }
    precondition(reparsed == view, "view after the edit differs from a fresh parse")
    let payload = edited[view.payloadOffset..<(view.payloadOffset + view.payloadLength)]
    precondition(payload.elementsEqual(packet[before.payloadOffset..<(before.payloadOffset + before.payloadLength)]), "payload changed")
    for element in reparsed.extensionElements(in: edited) {
        precondition(keep.contains(element.id), "element \(element.id) survived the strip")
    }
    return 0
}
