import XMLStream

/// Writing the stream header, stanzas and stream errors, and finishing the connection.
extension XMPPClientConnection {
    /// RFC 6120 §4.7: the initial stream header a client sends.
    func openStream() {
        writeText(
            "<?xml version='1.0'?><stream:stream to='" + XMLElement.escape(configuration.domain, quote: true)
                + "' version='1.0' xml:lang='en' xmlns='" + XMPPNamespace.client + "' xmlns:stream='"
                + XMPPNamespace.stream + "'>"
        )
        phase = .awaitingFeatures
    }

    /// Serialises a top-level element; `jabber:client` is the stream's default namespace, so
    /// stanzas built without a namespace inherit it.
    func write(_ element: XMLElement) {
        writeText(element.xmlString(parentNamespace: XMPPNamespace.client))
    }

    func writeText(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    /// The server's XML was refused: tell it why with a stream error (RFC 6120 §4.9.3), then close.
    func failXML(_ error: XMLStreamError) {
        fail(.xml(error), sendStreamError: Self.streamErrorCondition(for: error))
    }

    /// RFC 6120 §4.9.3 conditions: DTDs and entities are `restricted-xml` (§4.9.3.18),
    /// limits are `policy-violation` (§4.9.3.14), broken syntax `not-well-formed` (§4.9.3.13).
    static func streamErrorCondition(for error: XMLStreamError) -> String {
        switch error {
        case .dtdForbidden, .entityForbidden: "restricted-xml"
        case .depthExceeded, .stanzaTooLarge, .tooManyAttributes, .textTooLarge: "policy-violation"
        case .malformed, .dataAfterStreamClosed: "not-well-formed"
        case .parserUnavailable: "internal-server-error"
        }
    }

    /// Ends the connection with a stream error of `condition`.
    func fail(_ error: XMPPError, sendStreamError condition: String) {
        writeText("<stream:error>")
        write(XMLElement(condition, namespace: XMPPNamespace.streamErrors))
        writeText("</stream:error>")
        fail(error, closeStream: true)
    }

    /// Ends the connection; with `closeStream`, our `</stream:stream>` is queued first.
    func fail(_ error: XMPPError, closeStream: Bool) {
        if closeStream { writeText("</stream:stream>") }
        finish(.failed(error))
    }

    /// Reports the final event and stops every timer.
    func finish(_ event: XMPPEvent) {
        if case .finished = phase { return }
        phase = .finished
        phaseDeadline = nil
        nextPingAt = nil
        pingDeadline = nil
        pendingPingID = nil
        events.append(event)
    }
}
