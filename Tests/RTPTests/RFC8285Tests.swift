import Testing
@testable import RTP

/// RFC 8285 one-byte and two-byte header extensions, built by hand from §4.2 and §4.3.
@Suite struct RFC8285Tests {
    static let fixed = hex("90 64 00 01 00 00 00 02 00 00 00 03")
    static let payload: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
    /// The same fixed header without the X bit.
    static let plain = hex("80 64 00 01 00 00 00 02 00 00 00 03")

    /// audio-level (id 1), a padding byte, mid "a0" (id 10), two padding bytes, transport-cc (id 5).
    static let oneByte = fixed + hex("BE DE 00 03  10 7F 00 A1  61 30 00 00  51 12 34 00") + payload

    /// id 1 (1 byte), padding, id 20 (empty), id 200 (3 bytes).
    static let twoByte = fixed + hex("10 00 00 03  01 01 7F 00  14 00 C8 03  AA BB CC 00") + payload

    func elements(_ bytes: [UInt8]) throws -> [RTPHeaderExtensionElement] {
        try withBytes(bytes) { packet in
            let view = try RTPHeaderView(parsing: packet)
            return Array(view.extensionElements(in: packet))
        }
    }

    @Test func oneByteElementsSkipPadding() throws {
        #expect(try elements(Self.oneByte) == [
            RTPHeaderExtensionElement(id: 1, offset: 17, length: 1),
            RTPHeaderExtensionElement(id: 10, offset: 20, length: 2),
            RTPHeaderExtensionElement(id: 5, offset: 25, length: 2),
        ])
    }

    @Test func twoByteElementsSkipPadding() throws {
        #expect(try elements(Self.twoByte) == [
            RTPHeaderExtensionElement(id: 1, offset: 18, length: 1),
            RTPHeaderExtensionElement(id: 20, offset: 22, length: 0),
            RTPHeaderExtensionElement(id: 200, offset: 24, length: 3),
        ])
    }

    @Test func findsElementByID() throws {
        try withBytes(Self.oneByte) { packet in
            let view = try RTPHeaderView(parsing: packet)
            let mid = try #require(view.extensionElement(id: 10, in: packet))
            #expect(Array(packet[mid.offset ..< mid.offset + mid.length]) == Array("a0".utf8))
            #expect(view.extensionElement(id: 3, in: packet) == nil)
        }
    }

    @Test func id15StopsOneByteParsing() throws {
        let bytes = Self.fixed + hex("BE DE 00 01  10 7F F0 21")
        #expect(try elements(bytes).map(\.id) == [1])
    }

    @Test func overrunningElementIsReported() throws {
        let bytes = Self.fixed + hex("BE DE 00 01  10 7F 23 00")
        try withBytes(bytes) { packet in
            let view = try RTPHeaderView(parsing: packet)
            var iterator = view.extensionElements(in: packet)
            #expect(try iterator.nextElement()?.id == 1)
            #expect(throws: RTPParseError.extensionElementOverrun) { try iterator.nextElement() }
            #expect(Array(view.extensionElements(in: packet)).count == 1)
        }
    }

    @Test func stripMIDKeepsOtherElementsAndPayload() throws {
        var bytes = Self.oneByte
        var view = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        let length = try bytes.withUnsafeMutableBytes { try view.removeExtension(id: 10, in: $0) }
        #expect(length == Self.oneByte.count - 4)
        let stripped = Array(bytes.prefix(length))
        #expect(stripped == Self.fixed + hex("BE DE 00 02  10 7F 51 12  34 00 00 00") + Self.payload)
        let reparsed = try withBytes(stripped) { try RTPHeaderView(parsing: $0) }
        #expect(reparsed == view)
        #expect(try elements(stripped).map(\.id) == [1, 5])
    }

    @Test func removingTheLastElementDropsTheBlock() throws {
        var bytes = Self.oneByte
        var view = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        let length = try bytes.withUnsafeMutableBytes { try view.retainExtensions([], in: $0) }
        let stripped = Array(bytes.prefix(length))
        #expect(stripped == Self.plain + Self.payload)
        #expect(!view.hasExtension && view.headerLength == 12)
        #expect(try withBytes(stripped) { try RTPHeaderView(parsing: $0) } == view)
    }

    @Test func retainKeepsTwoByteElementsAndPaddingSurvives() throws {
        var bytes = Self.twoByte + hex("00 00 03")  // three bytes of RTP padding
        bytes[0] |= 0x20
        var view = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        let length = try bytes.withUnsafeMutableBytes { try view.retainExtensions([200], in: $0) }
        let stripped = Array(bytes.prefix(length))
        #expect(stripped == hex("B0 64 00 01 00 00 00 02 00 00 00 03  10 00 00 02  C8 03 AA BB  CC 00 00 00")
            + Self.payload + hex("00 00 03"))
        let reparsed = try withBytes(stripped) { try RTPHeaderView(parsing: $0) }
        #expect(reparsed == view && reparsed.paddingLength == 3 && reparsed.payloadLength == 8)
    }

    @Test func appendCreatesGrowsAndStripRestores() throws {
        let original = Self.plain + Self.payload
        var bytes = original + [UInt8](repeating: 0xEE, count: 64)
        var view = try withBytes(original) { try RTPHeaderView(parsing: $0) }
        try bytes.withUnsafeMutableBytes { slot in
            let tcc = try view.appendExtension(id: 5, length: 2, in: slot)
            slot[tcc] = 0xAB
            slot[tcc + 1] = 0xCD
            let abs = try view.appendExtension(id: 3, length: 3, in: slot)
            slot[abs] = 1; slot[abs + 1] = 2; slot[abs + 2] = 3
        }
        let grown = Array(bytes.prefix(view.packetLength))
        #expect(grown == hex("90 64 00 01 00 00 00 02 00 00 00 03  BE DE 00 02  51 AB CD 32  01 02 03 00") + Self.payload)
        #expect(try withBytes(grown) { try RTPHeaderView(parsing: $0) } == view)
        #expect(throws: RTPBuildError.unsupportedExtension) {
            try bytes.withUnsafeMutableBytes { try view.appendExtension(id: 20, length: 1, in: $0) }
        }
        let length = try bytes.withUnsafeMutableBytes { try view.retainExtensions([], in: $0) }
        #expect(Array(bytes.prefix(length)) == original)
    }

    @Test func appendUsesTwoByteFormForLargeIDs() throws {
        let original = Self.plain + Self.payload
        var bytes = original + [UInt8](repeating: 0, count: 16)
        var view = try withBytes(original) { try RTPHeaderView(parsing: $0) }
        _ = try bytes.withUnsafeMutableBytes { try view.appendExtension(id: 20, length: 0, in: $0) }
        #expect(Array(bytes.prefix(view.packetLength)) == Self.fixed + hex("10 00 00 01  14 00 00 00") + Self.payload)
        #expect(throws: RTPBuildError.bufferTooSmall) {
            try bytes.withUnsafeMutableBytes { try view.appendExtension(id: 21, length: 255, in: $0) }
        }
    }

    /// A hop's own value in the element the packet arrived with: new id and data in place; padding
    /// where the next hop has no id for it, or the one-byte form cannot carry the id.
    @Test func setElementRestampsOrBlanksInPlace() throws {
        let view = try withBytes(Self.oneByte) { try RTPHeaderView(parsing: $0) }
        func stamped(_ bytes: [UInt8], view: RTPHeaderView, id: UInt8, at offset: Int, length: Int, value: UInt32) -> [UInt8] {
            var bytes = bytes
            bytes.withUnsafeMutableBytes {
                view.setExtensionElement(dataOffset: offset, length: length, id: id, value: value, in: $0)
            }
            return bytes
        }
        // transport-cc (id 5, data at 25) renumbered under id 3.
        #expect(stamped(Self.oneByte, view: view, id: 3, at: 25, length: 2, value: 0xBEEF)
            == Self.fixed + hex("BE DE 00 03  10 7F 00 A1  61 30 00 00  31 BE EF 00") + Self.payload)
        for id: UInt8 in [0, 15] {
            #expect(stamped(Self.oneByte, view: view, id: id, at: 25, length: 2, value: 0xBEEF)
                == Self.fixed + hex("BE DE 00 03  10 7F 00 A1  61 30 00 00  00 00 00 00") + Self.payload)
        }
        // Two-byte form: id 200's three bytes under id 40.
        let twoByteView = try withBytes(Self.twoByte) { try RTPHeaderView(parsing: $0) }
        #expect(stamped(Self.twoByte, view: twoByteView, id: 40, at: 24, length: 3, value: 0x123456)
            == Self.fixed + hex("10 00 00 03  01 01 7F 00  14 00 28 03  12 34 56 00") + Self.payload)
        // Outside the block: untouched.
        #expect(stamped(Self.oneByte, view: view, id: 3, at: 40, length: 2, value: 1) == Self.oneByte)
    }
}
