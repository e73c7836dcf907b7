import Colibri
import XMLStream

/// The requests of docs/colibri2.md §2.6, typed in as jicofo sends them (IQ child only).
enum Colibri2Examples {
    static let meetingID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

    /// (a) Create the conference and the first endpoint.
    static let createConference = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7"
                           name="standup@conference.example.com" create="true">
          <endpoint id="a1b2c3d4" create="true" stats-id="Alice-x7q">
            <media type="audio">
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus" clockrate="48000" channels="2">
                <parameter name="minptime" value="10"/>
                <parameter name="useinbandfec" value="1"/>
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
              </payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="126" name="telephone-event" clockrate="8000"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>
              <extmap-allow-mixed xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"/>
            </media>
            <media type="video">
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="41" name="AV1" clockrate="90000">
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="ccm" subtype="fir"/>
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
                <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
              </payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="100" name="VP8" clockrate="90000"><!-- same rtcp-fb set --></payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="107" name="H264" clockrate="90000">
                <parameter name="profile-level-id" value="42e01f;level-asymmetry-allowed=1;packetization-mode=1;"/>
                <!-- same rtcp-fb set -->
              </payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="101" name="VP9" clockrate="90000"><!-- same rtcp-fb set --></payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="42" name="rtx" clockrate="90000"><parameter name="apt" value="41"/><!-- fir,nack,pli --></payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="96" name="rtx" clockrate="90000"><parameter name="apt" value="100"/></payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="97" name="rtx" clockrate="90000"><parameter name="apt" value="101"/></payload-type>
              <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="99" name="rtx" clockrate="90000"><parameter name="apt" value="107"/></payload-type>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="11" uri="https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="3" uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"/>
              <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>
              <extmap-allow-mixed xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"/>
            </media>
            <transport ice-controlling="true"><sctp/></transport>
            <sources/>
            <capability name="source-names"/>
            <capability name="ssrc-rewriting"/>
          </endpoint>
        </conference-modify>
        """

    /// (b) After the client's session-accept.
    static let sessionAccept = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7">
          <endpoint id="a1b2c3d4" stats-id="Alice-x7q">
            <transport>
              <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="Fh3x" pwd="p2Yq8...">
                <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">9C:2E:...:01</fingerprint>
                <!-- usually no candidates here: the client trickles them afterwards -->
              </transport>
            </transport>
            <sources>
              <media-source type="audio" id="a1b2c3d4-a0">
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="1111" name="a1b2c3d4-a0"/>
              </media-source>
              <media-source type="video" id="a1b2c3d4-v0">
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2001" name="a1b2c3d4-v0" videoType="camera"/>
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2002" name="a1b2c3d4-v0" videoType="camera"/>
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2003" name="a1b2c3d4-v0" videoType="camera"/>
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2101" name="a1b2c3d4-v0" videoType="camera"/>
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2102" name="a1b2c3d4-v0" videoType="camera"/>
                <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="2103" name="a1b2c3d4-v0" videoType="camera"/>
                <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="SIM">
                  <source ssrc="2001"/><source ssrc="2002"/><source ssrc="2003"/>
                </ssrc-group>
                <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="2001"/><source ssrc="2101"/></ssrc-group>
                <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="2002"/><source ssrc="2102"/></ssrc-group>
                <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="2003"/><source ssrc="2103"/></ssrc-group>
              </media-source>
            </sources>
          </endpoint>
        </conference-modify>
        """

    /// (b2) Trickled candidates.
    static let trickle = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7">
          <endpoint id="a1b2c3d4" stats-id="Alice-x7q">
            <transport>
              <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="Fh3x" pwd="p2Yq8...">
                <candidate component="1" foundation="842163049" generation="0" id="1" network="1"
                           priority="2122260223" protocol="udp" type="host" ip="192.168.1.20" port="54321"/>
              </transport>
            </transport>
          </endpoint>
        </conference-modify>
        """

    /// (c) Second endpoint: (a) without conference create/name, endpoint e5f6a7b8.
    static let secondEndpoint = createConference
        .replacing("name=\"standup@conference.example.com\" create=\"true\"", with: "")
        .replacing("a1b2c3d4", with: "e5f6a7b8")

    /// (d) Batched force-mute.
    static let forceMute = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7">\
        <endpoint id="a1b2c3d4"><force-mute audio="true"/></endpoint>\
        <endpoint id="e5f6a7b8"><force-mute audio="true"/></endpoint></conference-modify>
        """

    /// (e) Expire endpoint 2.
    static let expireEndpoint = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7">\
        <endpoint id="e5f6a7b8" expire="true"/></conference-modify>
        """

    /// (f) Expire the conference.
    static let expireConference = """
        <conference-modify xmlns="jitsi:colibri2" meeting-id="7c9e6679-7425-40de-944b-e07fc1f90ae7" expire="true"/>
        """

    /// Parses `xml` into a request.
    static func request(_ xml: String) throws -> ConferenceModify {
        try ConferenceModify(element: XMLDocument.parse(xml))
    }
}
