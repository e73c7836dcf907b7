import Testing
import XMLStream

@Suite struct XMLDocumentTests {
    static let nested = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="m&amp;1">
          <endpoint id="a">
            <media type="audio">
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus">
                <parameter name="minptime" value="10"/>
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
              </payload-type>
            </media>
            <j:x xmlns:j="urn:example:j" j:attr="1" xml:lang="en"><j:y>text &lt;here&gt;</j:y></j:x>
          </endpoint>
        </conference-modify>
        """

    @Test func nestedNamespacesRoundTrip() throws {
        let root = try XMLDocument.parse(Self.nested)
        #expect(root.namespace == "jitsi:colibri2")
        #expect(root.attribute("meeting-id") == "m&1")
        #expect(root.attribute("xmlns") == nil)
        let endpoint = try #require(root.child("endpoint"))
        let payloadType = try #require(endpoint.child("media")?.child("payload-type"))
        #expect(payloadType.namespace == "urn:xmpp:jingle:apps:rtp:1")
        #expect(payloadType.child("parameter")?.namespace == "urn:xmpp:jingle:apps:rtp:1")
        #expect(payloadType.child("rtcp-fb")?.namespace == "urn:xmpp:jingle:apps:rtp:rtcp-fb:0")
        let prefixed = try #require(endpoint.child("x", namespace: "urn:example:j"))
        #expect(prefixed.attributes.map(\.name) == ["attr", "lang"])
        #expect(prefixed.child("y")?.text == "text <here>")

        let text = root.xmlString()
        let reparsed = try XMLDocument.parse(text)
        #expect(reparsed == root)
        #expect(reparsed.xmlString() == text)
    }

    @Test func cdataCommentsAndProcessingInstructions() throws {
        let root = try XMLDocument.parse("<?xml version='1.0'?><!-- c --><a><?pi data?><![CDATA[<x>]]>&#65;</a>")
        #expect(root.text == "<x>A")
    }

    @Test func billionLaughsIsRefused() {
        var doc = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        doc += "]><lolz>&lol9;</lolz>"
        #expect(throws: XMLStreamError.dtdForbidden) { try XMLDocument.parse(doc) }
    }

    @Test func externalEntitiesAreRefused() {
        let xxe = "<!DOCTYPE a SYSTEM 'http://127.0.0.1:1/x.dtd'><a>&e;</a>"
        #expect(throws: XMLStreamError.dtdForbidden) { try XMLDocument.parse(xxe) }
        let parameter = "<!DOCTYPE a [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]><a/>"
        #expect(throws: XMLStreamError.dtdForbidden) { try XMLDocument.parse(parameter) }
    }

    @Test func truncatedAndEmptyDocumentsAreMalformed() {
        for input in ["", "<a>", "<a><b/>", "text", "<a/><b/>"] {
            do {
                _ = try XMLDocument.parse(input)
                Issue.record("accepted \(input)")
            } catch {
                guard case .malformed = error else { Issue.record("\(input): \(error)"); continue }
            }
        }
    }

    @Test func documentSizeLimit() {
        #expect(throws: XMLStreamError.stanzaTooLarge) {
            try XMLDocument.parse("<a>" + String(repeating: " ", count: 100) + "</a>", limits: XMLLimits(maxStanzaBytes: 50))
        }
    }

    @Test func depthLimitAppliesToDocuments() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(throws: XMLStreamError.depthExceeded) { try XMLDocument.parse(deep) }
    }
}
