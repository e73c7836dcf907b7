import Testing
import XMLStream

@Suite struct XMLStreamParserTests {
    static let stream = """
        <?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' \
        xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1'>\
        <handshake/> <iq type='get' id='k1'><conference-modify xmlns='jitsi:colibri2' meeting-id='m'>
          <endpoint id='a' create='true'/>
        </conference-modify></iq>\n<message><body>a &amp; b &lt;c&gt;</body></message></stream:stream>
        """

    /// Parses `chunks` in order and returns every event.
    static func events(_ chunks: [[UInt8]], limits: XMLLimits = .default) throws(XMLStreamError) -> [XMLStreamEvent] {
        let parser = try XMLStreamParser(limits: limits)
        var out: [XMLStreamEvent] = []
        for chunk in chunks { out += try parser.feed(chunk) }
        return out
    }

    @Test func streamEventsInOrder() throws {
        let events = try Self.events([Array(Self.stream.utf8)])
        try #require(events.count == 5)
        guard case .streamOpened(let root) = events[0] else { Issue.record("no open"); return }
        #expect(root.name == "stream")
        #expect(root.namespace == "http://etherx.jabber.org/streams")
        #expect(root.attributes.map(\.name) == ["from", "id"])
        #expect(root.children.isEmpty)
        guard case .stanza(let iq) = events[2] else { Issue.record("no iq"); return }
        #expect(iq.namespace == "jabber:component:accept")
        let modify = try #require(iq.child("conference-modify", namespace: "jitsi:colibri2"))
        #expect(modify.text == "")  // indentation between children is dropped
        #expect(modify.child("endpoint")?.namespace == "jitsi:colibri2")
        guard case .stanza(let message) = events[3] else { Issue.record("no message"); return }
        #expect(message.child("body")?.text == "a & b <c>")
        #expect(events[4] == .streamClosed)
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        let bytes = Array(Self.stream.utf8)
        let whole = try Self.events([bytes])
        for cut in 0...bytes.count {
            #expect(try Self.events([Array(bytes[..<cut]), Array(bytes[cut...])]) == whole, "cut at \(cut)")
        }
        #expect(try Self.events(bytes.map { [$0] }) == whole)
    }

    @Test func stanzaIsEmittedAsSoonAsItsEndTagArrives() throws {
        let parser = try XMLStreamParser()
        #expect(try parser.feed(Array("<s xmlns='a'><x>".utf8)).count == 1)
        #expect(try parser.feed(Array("text</x".utf8)).isEmpty)
        #expect(try parser.feed(Array(">".utf8)) == [.stanza(XMLElement("x", namespace: "a", text: "text"))])
    }

    @Test func depthLimit() {
        let limits = XMLLimits(maxDepth: 4)
        #expect(throws: Never.self) { try Self.events([Array("<s><a><b><c/></b></a>".utf8)], limits: limits) }
        #expect(throws: XMLStreamError.depthExceeded) {
            try Self.events([Array("<s><a><b><c><d/></c></b></a>".utf8)], limits: limits)
        }
    }

    @Test func completeStanzaTooLarge() {
        let big = "<s><a>" + String(repeating: "x", count: 2000) + "</a></s>"
        #expect(throws: XMLStreamError.stanzaTooLarge) {
            try Self.events([Array(big.utf8)], limits: XMLLimits(maxStanzaBytes: 1000))
        }
    }

    @Test func unfinishedStanzaTooLargeFailsBeforeItEnds() throws {
        let parser = try XMLStreamParser(limits: XMLLimits(maxStanzaBytes: 1000))
        _ = try parser.feed(Array("<s><a attr='".utf8))
        #expect(throws: XMLStreamError.stanzaTooLarge) {
            for _ in 0..<20 { _ = try parser.feed(Array(repeating: UInt8(ascii: "y"), count: 100)) }
        }
        // The parser stays failed.
        #expect(throws: XMLStreamError.stanzaTooLarge) { try parser.feed(Array("'/>".utf8)) }
    }

    @Test func keepalivesBetweenStanzasDoNotCountTowardsTheLimit() throws {
        let parser = try XMLStreamParser(limits: XMLLimits(maxStanzaBytes: 100))
        _ = try parser.feed(Array("<s>".utf8))
        for _ in 0..<50 { _ = try parser.feed(Array(repeating: UInt8(ascii: " "), count: 10)) }
        for _ in 0..<50 { #expect(try parser.feed(Array("<a/>".utf8)).count == 1) }
    }

    @Test func attributeAndTextLimits() {
        let manyAttributes = "<s><a " + (0..<10).map { "k\($0)='v'" }.joined(separator: " ") + "/></s>"
        #expect(throws: XMLStreamError.tooManyAttributes) {
            try Self.events([Array(manyAttributes.utf8)], limits: XMLLimits(maxAttributes: 5))
        }
        #expect(throws: XMLStreamError.textTooLarge) {
            try Self.events([Array("<s><a>0123456789abc</a></s>".utf8)], limits: XMLLimits(maxTextBytes: 10))
        }
    }

    @Test func malformedInputIsATypedError() {
        for input in ["<s><a></b></s>", "<s><a x='1' x='2'/></s>", "<s><a>&undefined;</a></s>", "<s><a \u{1}/></s>"] {
            #expect(throws: (any Error).self) { try Self.events([Array(input.utf8)]) }
            do {
                _ = try Self.events([Array(input.utf8)])
            } catch {
                guard case .malformed = error else { Issue.record("\(input): \(error)"); continue }
            }
        }
    }

    @Test func doctypeInAStreamIsRefused() {
        let xxe = "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><s><a>&x;</a></s>"
        #expect(throws: XMLStreamError.dtdForbidden) { try Self.events([Array(xxe.utf8)]) }
    }

    @Test func dataAfterCloseIsRefused() throws {
        let parser = try XMLStreamParser()
        _ = try parser.feed(Array("<s></s>".utf8))
        #expect(parser.isClosed)
        #expect(throws: XMLStreamError.dataAfterStreamClosed) { try parser.feed(Array("<s>".utf8)) }
    }
}

@Suite struct XMLStreamParserChunkingTests {
    /// Random chunkings of a long stream give the same stanzas as one feed.
    @Test func randomChunksGiveTheSameStanzas() throws {
        let stanza = "<iq xmlns='jabber:client' id='x'><query xmlns='urn:a'><item k='&lt;v&gt;'>t&amp;x</item></query></iq> "
        let bytes = Array(("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"
            + String(repeating: stanza, count: 200) + "</stream:stream>").utf8)
        let whole = try XMLStreamParserTests.events([bytes])
        #expect(whole.count == 202)
        var seed: UInt64 = 42
        for _ in 0..<20 {
            var chunks: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                let end = min(bytes.count, start + 1 + Int(seed >> 58))
                chunks.append(Array(bytes[start..<end]))
                start = end
            }
            #expect(try XMLStreamParserTests.events(chunks) == whole)
        }
    }
}
