import DTLS
import ICE
import Primitives
import RTP
import SRTP

/// One participant's transport and media state inside the engine.
///
/// Owned by the engine's single thread; the forwarding path touches it without locks. An
/// endpoint moves through ICE (controlling, on the shared port) → DTLS (server for `active`
/// peers) → SRTP keys, and only then sends or receives media.
final class Endpoint {
    /// jicofo's endpoint id (the participant's MUC resource).
    let id: String
    /// The conference's meeting id.
    let meetingID: String
    /// The conference; an endpoint never outlives it (expiring a conference expires its endpoints first).
    unowned let conference: Conference
    /// What the bridge keeps to serve this endpoint as a receiver.
    let receiver: Receiver
    /// This endpoint's place in the conference's dominant-speaker identification.
    var speakerHandle: SpeakerHandle?
    /// Arrival times of what the endpoint sends, for transport-cc feedback to it.
    var transportFeedback = TransportFeedbackRecorder()
    /// Its uplink estimate, for REMB, when it negotiated REMB and abs-send-time but not transport-cc.
    var remb: RembReporter?
    /// When the endpoint last sent RTP, and whether the others were told its media flows.
    var lastMediaAt: Instant?
    var isMediaFlowing = false
    /// Whether the endpoint's bridge channel is open (messages sent before are lost).
    var isBridgeChannelOpen = false
    /// Display/stats alias, when the focus sent one.
    var statsID: String?
    /// The ICE agent; its local ufrag is unique across the engine.
    let ice: ICEAgent
    /// The DTLS association, created once the focus signals the peer's fingerprint and role.
    var dtls: DTLSEndpoint?
    /// Decrypts what the endpoint sends.
    var inboundSRTP: SRTPSession?
    /// Encrypts what the bridge sends to the endpoint, on the endpoint's lane.
    var outboundSRTP: OutboundSRTP?
    /// The media thread that serves the endpoint as a receiver in fan-outs: given when its DTLS
    /// connects (`LaneAssignment`), 0 before. `Conference.move` changes it.
    var lane = 0
    /// The remote address of the nominated ICE pair; media goes only there.
    var address: PeerAddress?
    /// The addresses ICE verified for this endpoint (its entries in `AddressBindings`).
    var knownAddresses: Set<PeerAddress> = []
    /// The candidate addresses the focus signalled, kept apart until a check verifies them.
    var signalledAddresses: Set<PeerAddress> = []
    /// The SCTP association for the bridge channel, when the focus asked for `<sctp/>`.
    let sctpTag: SCTPAssociationTag?
    /// Whether the SCTP thread was told to open the association.
    var sctpOpened = false
    /// Negotiated payload types and header extensions.
    var media = EndpointMedia()
    /// Signalled sources.
    var sources = EndpointSources()
    /// Force-mute flags set by the focus.
    var audioForceMuted = false
    var videoForceMuted = false
    /// Whether the endpoint is a visitor (receive-only).
    var isVisitor = false
    /// Last time a valid packet arrived from the endpoint; drives idle expiry.
    var lastActivity: Instant
    /// When the next receiver report to this endpoint is due.
    var nextReportAt: Instant
    /// Per-SSRC state of what the endpoint sends (statistics, NACK cache).
    var inboundStreams: [UInt32: InboundStream] = [:]
    /// RTCP sender SSRCs seen that the endpoint never signalled (receive-only transceivers
    /// report from SSRCs nobody signals); bounded, because each costs an SRTCP stream.
    var unsignalledRTCPSenders: [UInt32] = []
    /// What NACKs from this endpoint may make the bridge resend to it.
    var retransmissions = RetransmissionLimiter()
    /// Last keyframe request sent to this endpoint per media SSRC (throttling).
    var lastKeyframeRequest: [UInt32: Instant] = [:]
    /// FIR command sequence number toward this endpoint.
    var firSequenceNumber: UInt8 = 0
    /// Whether the ICE failure or consent loss of this endpoint was already counted.
    var iceFailureCounted = false
    /// Whether the DTLS failure of this endpoint was already counted.
    var dtlsFailureCounted = false
    /// How far the endpoint got toward a connection, for the reachability self-check.
    var reachability = EndpointReachability()
    /// When `handleTimeout` next has work for this endpoint: the earliest of its timers as of
    /// its last visit, or `.zero` once an input may have brought one forward (`wakeTimers`).
    /// Nil: nothing pending. A timer run visits only the endpoints due, not all of them.
    var timersDueAt: Instant? = .zero

    init(
        id: String, conference: Conference, rewritesSSRCs: Bool, initialMaxHeight: Int = 0, ice: ICEAgent,
        sctpTag: SCTPAssociationTag?, now: Instant
    ) {
        self.id = id
        self.meetingID = conference.meetingID
        self.conference = conference
        receiver = Receiver(rewritesSSRCs: rewritesSSRCs, initialMaxHeight: initialMaxHeight)
        self.ice = ice
        self.sctpTag = sctpTag
        lastActivity = now
        nextReportAt = now.adding(milliseconds: 1000)
    }

    /// Whether media can flow to this endpoint now.
    var isConnected: Bool { address != nil && outboundSRTP != nil }

    /// Something reached the endpoint that may schedule one of its timers sooner than
    /// `timersDueAt`: the next timer run visits it.
    @inline(__always) func wakeTimers() { timersDueAt = .zero }

    /// Whether media of `kind` from this endpoint is currently force-muted.
    func isForceMuted(_ kind: MediaKind) -> Bool { kind == .audio ? audioForceMuted : videoForceMuted }
}
