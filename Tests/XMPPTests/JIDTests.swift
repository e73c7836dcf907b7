import Testing
@testable import XMPP

@Suite struct JIDTests {
    @Test func parsesParts() throws {
        let jid = try #require(JID("jvbbrewery@internal-muc.meet.jitsi/jvb/01@x"))
        #expect(jid.local == "jvbbrewery")
        #expect(jid.domain == "internal-muc.meet.jitsi")
        #expect(jid.resource == "jvb/01@x")  // resource runs from the first "/"
        #expect(jid.bare.description == "jvbbrewery@internal-muc.meet.jitsi")
        #expect(jid.description == "jvbbrewery@internal-muc.meet.jitsi/jvb/01@x")
        #expect(JID("auth.meet.jitsi")?.local == nil)
    }

    @Test(arguments: ["", "@domain", "user@", "user@domain/", "/res", "a@/r"])
    func rejectsEmptyParts(text: String) {
        #expect(JID(text) == nil)
    }

    @Test func bareComparisonIgnoresCaseAndResource() throws {
        let a = try #require(JID("JVBBrewery@Internal-MUC.meet.jitsi/focus"))
        let b = try #require(JID("jvbbrewery@internal-muc.meet.jitsi"))
        #expect(a.hasSameBare(as: b))
        #expect(!a.hasSameBare(as: try #require(JID("internal-muc.meet.jitsi"))))
    }
}
