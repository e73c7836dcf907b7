public import Primitives
public import SRTP

/// Settings the engine needs from the configuration.
public struct BridgeConfiguration: Sendable {
    /// Host candidates: the addresses the media socket is bound to, with its port.
    public var hostAddresses: [PeerAddress]
    /// Static NAT mappings (`JVB_ADVERTISE_IPS`): public address and port advertised as srflx.
    public var advertisedAddresses: [PeerAddress]
    /// Whether endpoints may ask for an SCTP data channel.
    public var sctpEnabled: Bool
    /// Whether private host candidates are advertised too (JVB's advertise-private-candidates).
    public var advertisePrivateCandidates: Bool
    /// Conferences beyond this are refused (`service-unavailable`): every one holds memory.
    public var maximumConferences: Int
    /// Endpoints per conference beyond this are refused. The forwarding cost of a conference
    /// grows with the square of its size; jitsi-meet's own default room limit is far below.
    public var maximumEndpointsPerConference: Int
    /// The video height every receiver may get before its first `ReceiverVideoConstraints`
    /// (JVB's `videobridge.cc.initial-max-height-px`, 0 there: no video until the client says
    /// what it shows). Load generators without a bridge channel raise it.
    public var initialMaxHeight: Int
    /// Whether allocation spends each receiver's downlink estimate (JVB's `videobridge.cc.trust-bwe`,
    /// true there too). Off, every receiver gets what its constraints allow, whatever its link.
    public var trustsBandwidthEstimate: Bool
    /// Which implementation protects and unprotects media (OpenSSL unless told otherwise).
    public var srtpBackend: SRTPBackend
    /// How many media threads serve receivers: each connected endpoint is given one, in turn, and
    /// in every fan-out that thread selects, rewrites, seals and sends its packets (1: the
    /// receiving thread does it all).
    public var mediaLanes: Int

    /// Defaults for the limits: far above what one bridge serves (JVB sets none), low enough
    /// that signalling alone cannot exhaust memory.
    public static let defaultMaximumConferences = 2_000
    public static let defaultMaximumEndpointsPerConference = 500

    /// Creates a configuration.
    public init(
        hostAddresses: [PeerAddress],
        advertisedAddresses: [PeerAddress] = [],
        sctpEnabled: Bool = true,
        advertisePrivateCandidates: Bool = true,
        maximumConferences: Int = defaultMaximumConferences,
        maximumEndpointsPerConference: Int = defaultMaximumEndpointsPerConference,
        initialMaxHeight: Int = 0,
        trustsBandwidthEstimate: Bool = true,
        srtpBackend: SRTPBackend = .openSSL,
        mediaLanes: Int = 1
    ) {
        self.srtpBackend = srtpBackend
        self.mediaLanes = max(1, mediaLanes)
        self.initialMaxHeight = initialMaxHeight
        self.trustsBandwidthEstimate = trustsBandwidthEstimate
        self.hostAddresses = hostAddresses
        self.advertisedAddresses = advertisedAddresses
        self.sctpEnabled = sctpEnabled
        self.advertisePrivateCandidates = advertisePrivateCandidates
        self.maximumConferences = maximumConferences
        self.maximumEndpointsPerConference = maximumEndpointsPerConference
    }
}
