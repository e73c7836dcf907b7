import CExpat

/// Building element trees from expat's callbacks, with the limits checked as they are crossed.
extension ExpatDriver {
    /// True while a stanza (a depth-2 element of a stream) is being built.
    private var insideStanza: Bool { mode == .stream && stack.count >= 2 }

    func startElement(name: UnsafePointer<CChar>, attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        guard stack.count < limits.maxDepth else { return fail(.depthExceeded) }
        if mode == .stream && stack.count == 1 {
            pendingStart = Int64(XML_GetCurrentByteIndex(parser))
        }
        guard checkStanzaSize() else { return }
        let (namespace, localName) = Self.split(name)
        // A parsed element in no namespace gets "" (not nil, which means "inherit" in built
        // trees), so serialising it under a namespaced parent writes xmlns="" back.
        var element = XMLElement(localName, namespace: namespace ?? "")
        if let attributes {
            var index = 0
            while let key = attributes[index], let value = attributes[index + 1] {
                guard element.attributes.count < limits.maxAttributes else { return fail(.tooManyAttributes) }
                // Attributes are addressed by local name; prefixed ones (xml:lang) lose the prefix.
                element.attributes.append((Self.split(key).localName, String(cString: value)))
                index += 2
            }
        }
        if mode == .stream && stack.isEmpty {
            events.append(.streamOpened(element))
            pendingStart = currentEventEnd
        }
        stack.append(OpenElement(element: element))
    }

    func endElement() {
        guard var open = stack.popLast() else { return }
        // Indentation between child elements is not content.
        let formatting = !open.element.children.isEmpty && Self.isWhitespace(open.text)
        if !open.text.isEmpty && !formatting {
            open.element.text = String(decoding: open.text, as: UTF8.self)
        }
        let element = open.element
        switch (mode, stack.count) {
        case (.stream, 0):
            streamClosed = true
            events.append(.streamClosed)
        case (.stream, 1):
            guard checkStanzaSize() else { return }
            events.append(.stanza(element))
            pendingStart = currentEventEnd
        case (.document, 0):
            document = element
        default:
            stack[stack.count - 1].element.children.append(element)
        }
    }

    func characters(_ text: UnsafeRawBufferPointer) {
        guard let top = stack.indices.last else { return }
        if mode == .stream && top == 0 {
            // Whitespace keepalives between stanzas: nothing to keep, and not part of any stanza.
            pendingStart = currentEventEnd
            return
        }
        guard checkStanzaSize() else { return }
        guard stack[top].text.count + text.count <= limits.maxTextBytes else { return fail(.textTooLarge) }
        stack[top].text.append(contentsOf: text)
    }

    /// Fails the parse once the current stanza (up to the event being reported) is too long.
    private func checkStanzaSize() -> Bool {
        guard insideStanza, currentEventEnd &- pendingStart > Int64(limits.maxStanzaBytes) else { return true }
        fail(.stanzaTooLarge)
        return false
    }

    /// Splits expat's "uri<separator>local" (or plain "local") name.
    static func split(_ name: UnsafePointer<CChar>) -> (namespace: String?, localName: String) {
        let full = String(cString: name)
        guard let cut = full.utf8.lastIndex(of: UInt8(namespaceSeparator)) else { return (nil, full) }
        return (String(full[..<cut]), String(full[full.utf8.index(after: cut)...]))
    }

    /// True if the bytes are only XML whitespace (space, tab, CR, LF).
    static func isWhitespace(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
