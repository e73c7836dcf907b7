// A Colibri2 request body as the REST and XMPP shells hand it to the engine: Expat with the
// bridge's limits, then the typed `ConferenceModify` and its semantic validation.

import Colibri
import XMLStream

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = try? XMLDocument.parse(bytes) else { return 0 }
    // Over XMPP the request is the child of an IQ; accept both so corpus entries can be either.
    let request = document.name == "iq" ? document.children.first ?? document : document

    // Replies are built from parsed elements, so what we write must read back the same.
    let written = request.xmlString()
    guard let reread = try? XMLDocument.parse(written) else {
        preconditionFailure("serialised element does not parse: \(written)")
    }
    precondition(reread == request, "serialisation round trip changed the element: \(written)")

    do {
        let modify = try ConferenceModify(element: request)
        _ = modify.isExpireOrForceMuteOnly
        _ = modify.needsFeedbackSources
        try modify.validate()
    } catch {
        // Every rejection must still produce a well-formed stanza error.
        let element = error.element()
        precondition((try? XMLDocument.parse(element.xmlString())) != nil, "error element does not parse")
    }
    return 0
}
