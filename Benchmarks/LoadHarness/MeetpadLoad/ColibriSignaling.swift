import DTLS
import Foundation
import ICE
import Primitives
import XMLStream

/// Drives our bridge over HTTP Colibri2 in jicofo's order (tests/interop/focus.py): allocate
/// (creating the conference with the first endpoint; no `<sctp/>`, so no data channel),
/// session-accept with the peer's ICE credentials, fingerprint (setup=active) and sources, then
/// the peer's host candidate as a transport-info. Expires the conferences at the end.
struct ColibriSignaling {
    let http: HTTPClient
    let path = "/colibri/v2/conference-modify"

    static func meetingID(_ conference: Int) -> String {
        let suffix = String(conference, radix: 16)
        return "6c6f6164-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - suffix.count)) + suffix
    }

    /// Allocates `peer` as endpoint `endpointID` of `conference`, signals its transport and
    /// sources, and starts its ICE.
    func join(_ peer: LoadPeer, endpointID: String, conference: Int, create: Bool, now: Instant) throws(LoadError) {
        let meeting = Self.meetingID(conference)
        let createAttributes = create ? #" name="load\#(conference)@conference.meetpad.test" create="true""# : ""
        let reply = try send("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meeting)"\(createAttributes)>\
            <endpoint id="\(endpointID)" create="true" stats-id="\(endpointID)">\(Self.mediaXML)\
            <transport ice-controlling="true"/><sources/><capability name="source-names"/></endpoint></conference-modify>
            """, what: "allocate \(endpointID)")
        guard let ice = reply.child("endpoint")?.child("transport")?.child("transport"),
            let ufrag = ice.attribute("ufrag"), let password = ice.attribute("pwd"),
            let fingerprintText = ice.child("fingerprint")?.text,
            let fingerprint = DTLSFingerprint(hashFunction: ice.child("fingerprint")?.attribute("hash") ?? "sha-256", value: fingerprintText)
        else { throw .signaling("allocate \(endpointID): no ICE transport in \(reply.xmlString().prefix(400))") }
        let candidates = ice.children("candidate").compactMap { candidate -> PeerAddress? in
            guard candidate.attribute("protocol") ?? "udp" == "udp", let ip = candidate.attribute("ip"),
                let port = candidate.attribute("port").flatMap({ UInt16($0) }) else { return nil }
            return PeerAddress(host: ip, port: port)
        }
        guard !candidates.isEmpty, let iceAgent = peer.ice else { throw .signaling("allocate \(endpointID): no UDP candidate") }
        let transport = #"<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\#(iceAgent.localCredentials.ufrag)" pwd="\#(iceAgent.localCredentials.password)">"#
        try send("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meeting)"><endpoint id="\(endpointID)" stats-id="\(endpointID)">\
            <transport>\(transport)<fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">\(peer.certificate.fingerprint.value)</fingerprint>\
            <rtcp-mux/></transport></transport>\(Self.sourcesXML(endpointID, peer.sender))</endpoint></conference-modify>
            """, what: "session-accept \(endpointID)")
        try send("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meeting)"><endpoint id="\(endpointID)" stats-id="\(endpointID)">\
            <transport>\(transport)<candidate component="1" foundation="1" generation="0" id="c1" network="1" priority="2122260223" \
            protocol="udp" type="host" ip="\(peer.localAddress.host)" port="\(peer.localAddress.port)"/></transport></transport>\
            </endpoint></conference-modify>
            """, what: "transport-info \(endpointID)")
        try peer.connect(
            remote: ICECredentials(ufrag: ufrag, password: password), candidates: candidates, fingerprint: fingerprint, dtlsRole: .client, now: now)
    }

    /// Expires a conference (errors ignored, as jicofo does).
    func expire(conference: Int) {
        _ = try? http.post(path, body: #"<conference-modify xmlns="jitsi:colibri2" meeting-id="\#(Self.meetingID(conference))" expire="true"/>"#,
                           contentType: "application/xml")
    }

    @discardableResult
    private func send(_ xml: String, what: String) throws(LoadError) -> XMLElement {
        let response = try http.post(path, body: xml, contentType: "application/xml")
        guard response.status == 200, let element = try? XMLDocument.parse(response.body), element.name == "conference-modified" else {
            throw .signaling("\(what): HTTP \(response.status) \(response.body.prefix(400))")
        }
        return element
    }

    /// jicofo's media offer restricted to Opus and VP8 (+RTX), with audio level and MID.
    static let mediaXML = """
        <media type="audio"><payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus" clockrate="48000" channels="2">\
        <parameter name="minptime" value="10"/><parameter name="useinbandfec" value="1"/></payload-type>\
        <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"/>\
        <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/></media>\
        <media type="video"><payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="100" name="VP8" clockrate="90000">\
        <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="ccm" subtype="fir"/>\
        <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>\
        <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/></payload-type>\
        <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="96" name="rtx" clockrate="90000"><parameter name="apt" value="100"/></payload-type>\
        <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/></media>
        """

    /// The endpoint's sources: audio, and video with SIM and FID groups (empty for receivers).
    static func sourcesXML(_ endpointID: String, _ sender: MediaSender?) -> String {
        guard let sender else { return "<sources/>" }
        let ssma = "urn:xmpp:jingle:apps:rtp:ssma:0"
        var xml = #"<sources><media-source type="audio" id="\#(endpointID)-a0"><source xmlns="\#(ssma)" ssrc="\#(sender.audioSSRC)" name="\#(endpointID)-a0"/></media-source>"#
        if sender.sendsVideo {
            xml += #"<media-source type="video" id="\#(endpointID)-v0">"#
            for ssrc in sender.videoSSRCs + sender.rtxSSRCs {
                xml += #"<source xmlns="\#(ssma)" ssrc="\#(ssrc)" name="\#(endpointID)-v0" videoType="camera"/>"#
            }
            if sender.videoSSRCs.count > 1 {
                xml += #"<ssrc-group xmlns="\#(ssma)" semantics="SIM">"# + sender.videoSSRCs.map { #"<source ssrc="\#($0)"/>"# }.joined() + "</ssrc-group>"
            }
            for (video, rtx) in zip(sender.videoSSRCs, sender.rtxSSRCs) {
                xml += #"<ssrc-group xmlns="\#(ssma)" semantics="FID"><source ssrc="\#(video)"/><source ssrc="\#(rtx)"/></ssrc-group>"#
            }
            xml += "</media-source>"
        }
        return xml + "</sources>"
    }
}
