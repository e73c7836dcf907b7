import CExpat

/// The C callbacks. Each recovers the driver from expat's user data and forwards to a method;
/// the closures capture nothing, so Swift can pass them as C function pointers.
extension ExpatDriver {
    func installHandlers() {
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetElementHandler(
            parser,
            { userData, name, attributes in
                guard let driver = ExpatDriver.from(userData), let name else { return }
                driver.startElement(name: name, attributes: attributes)
            },
            { userData, _ in ExpatDriver.from(userData)?.endElement() }
        )
        XML_SetCharacterDataHandler(parser) { userData, text, length in
            guard let driver = ExpatDriver.from(userData), let text, length > 0 else { return }
            driver.characters(UnsafeRawBufferPointer(start: text, count: Int(length)))
        }
        // DOCTYPE is reported before its internal subset is read, so no entity is ever declared:
        // billion-laughs and XXE payloads stop here.
        XML_SetStartDoctypeDeclHandler(parser) { userData, _, _, _, _ in
            ExpatDriver.from(userData)?.fail(.dtdForbidden)
        }
        XML_SetEntityDeclHandler(parser) { userData, _, _, _, _, _, _, _, _ in
            ExpatDriver.from(userData)?.fail(.entityForbidden)
        }
        // Returning XML_STATUS_ERROR fails the parse with XML_ERROR_EXTERNAL_ENTITY_HANDLING.
        XML_SetExternalEntityRefHandler(parser) { _, _, _, _, _ in 0 }
        // Processing instructions and comments have no handler, so expat skips them.
    }

    /// The driver behind expat's user data, or nil once parsing has failed.
    static func from(_ userData: UnsafeMutableRawPointer?) -> ExpatDriver? {
        guard let userData else { return nil }
        let driver = Unmanaged<ExpatDriver>.fromOpaque(userData).takeUnretainedValue()
        return driver.failure == nil ? driver : nil
    }
}
