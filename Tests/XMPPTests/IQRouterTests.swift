import Testing
import XMLStream
@testable import XMPP

@Suite struct IQRouterTests {
    static let router = IQRouter(breweries: [JID("jvbbrewery@internal-muc.meet.jitsi")!])
    static let focus = "jvbbrewery@internal-muc.meet.jitsi/focus"
    static let me = "jvbbrewery@internal-muc.meet.jitsi/jvb-01"

    static func route(_ xml: String) throws -> IQRoute {
        router.route(try XMLDocument.parse(xml))
    }

    static func request(_ id: String, from: String? = focus) -> IQRequest {
        IQRequest(id: id, from: from, to: me)
    }

    @Test(arguments: ["get", "set"])
    func colibriConferenceModify(type: String) throws {
        let route = try Self.route(
            "<iq xmlns='jabber:client' type='\(type)' id='c1' from='\(Self.focus)' to='\(Self.me)'>"
                + "<conference-modify xmlns='jitsi:colibri2' meeting-id='m' create='true'/></iq>"
        )
        guard case .colibri(let modify, let replyTo) = route else { Issue.record("got \(route)"); return }
        #expect(modify.name == "conference-modify")
        #expect(modify.attribute("meeting-id") == "m")
        #expect(replyTo == Self.request("c1"))
    }

    /// The routing table of docs/colibri2.md §1.5.
    @Test func table() throws {
        let healthcheck = "<healthcheck xmlns='http://jitsi.org/protocol/healthcheck'/>"
        let cases: [(String, IQRoute)] = [
            ("<iq type='get' id='h' from='\(Self.focus)' to='\(Self.me)'>\(healthcheck)</iq>", .healthCheck(Self.request("h"))),
            // Case-insensitive bare JID, as JVB compares.
            ("<iq type='get' id='h' from='JVBBrewery@Internal-MUC.meet.jitsi/focus' to='\(Self.me)'>\(healthcheck)</iq>",
             .healthCheck(IQRequest(id: "h", from: "JVBBrewery@Internal-MUC.meet.jitsi/focus", to: Self.me))),
            ("<iq type='get' id='v' from='\(Self.focus)' to='\(Self.me)'><query xmlns='jabber:iq:version'/></iq>",
             .version(Self.request("v"))),
            ("<iq type='set' id='v' from='\(Self.focus)' to='\(Self.me)'><query xmlns='jabber:iq:version'/></iq>",
             .serviceUnavailable(Self.request("v"))),
            ("<iq type='get' id='x' from='focus@auth.meet.jitsi/r' to='\(Self.me)'>\(healthcheck)</iq>",
             .forbidden(Self.request("x", from: "focus@auth.meet.jitsi/r"))),
            ("<iq type='set' id='x' from='otherbrewery@internal-muc.meet.jitsi/focus' to='\(Self.me)'>"
                + "<conference-modify xmlns='jitsi:colibri2'/></iq>",
             .forbidden(Self.request("x", from: "otherbrewery@internal-muc.meet.jitsi/focus"))),
            ("<iq type='get' id='x' to='\(Self.me)'>\(healthcheck)</iq>", .forbidden(Self.request("x", from: nil))),
            ("<iq type='get' id='g' from='\(Self.focus)' to='\(Self.me)'>"
                + "<graceful-shutdown xmlns='http://jitsi.org/protocol/colibri'/></iq>",
             .serviceUnavailable(Self.request("g"))),
            ("<iq type='get' id='d' from='\(Self.focus)' to='\(Self.me)'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
             .serviceUnavailable(Self.request("d"))),
            ("<iq type='get' id='e' from='\(Self.focus)' to='\(Self.me)'/>", .serviceUnavailable(Self.request("e"))),
            ("<iq type='get' id='w' from='\(Self.focus)' to='\(Self.me)'><conference-modify xmlns='other'/></iq>",
             .serviceUnavailable(Self.request("w"))),
            ("<iq type='result' id='r' from='\(Self.focus)'/>", .ignore),
            ("<iq type='error' id='r' from='\(Self.focus)'/>", .ignore),
            ("<iq type='get' from='\(Self.focus)'>\(healthcheck)</iq>", .ignore),
            ("<presence from='\(Self.focus)'/>", .ignore),
            ("<message from='\(Self.focus)'><body>x</body></message>", .ignore),
        ]
        for (xml, expected) in cases {
            #expect(try Self.route(xml) == expected, "\(xml)")
        }
    }
}
