public import Primitives
public import XMLStream

/// The sans-IO bridge: every conference, endpoint and forwarding decision of one media thread.
///
/// The media shell owns exactly one engine and calls it from one thread only: datagrams and
/// timeouts in, datagrams (into a `TransmitQueue`) and events out. Colibri2 requests and
/// bridge-channel traffic reach it through the same thread, so nothing inside takes a lock.
///
/// STUB: the API the shells are written against; the implementation lands with the media core.
public final class BridgeEngine {
    /// Creates an engine with its DTLS certificate and candidate addresses.
    public init(configuration: BridgeConfiguration) throws {}

    /// The local DTLS certificate's sha-256 fingerprint, as signalled in every transport.
    public var localFingerprint: String { "" }

    /// Feeds one datagram received on the media port. The buffer may be modified in place
    /// (SRTP is removed where it lies); replies and forwarded packets go into `transmit`.
    public func handleDatagram(
        _ datagram: UnsafeMutableRawBufferPointer,
        from source: PeerAddress,
        now: Instant,
        transmit: TransmitQueue
    ) {}

    /// Runs every timer that is due at `now` (ICE checks and consent, DTLS retransmits, RTCP reports).
    public func handleTimeout(now: Instant, transmit: TransmitQueue) {}

    /// The soonest instant at which `handleTimeout` has work, or nil if none is pending.
    public func nextDeadline() -> Instant? { nil }

    /// Applies one `<conference-modify xmlns="jitsi:colibri2">` and answers with the
    /// `<conference-modified>` element or an `<error>` element (docs/colibri2.md §2).
    public func handleConferenceModify(_ request: XMLElement, now: Instant) -> ColibriOutcome {
        .failure(error: XMLElement("error"), httpStatus: 500)
    }

    /// Feeds one bridge-channel message (UTF-8 JSON, PPID 51) received on an endpoint's data channel.
    public func handleBridgeChannelMessage(_ json: [UInt8], association: SCTPAssociationTag, now: Instant) {}

    /// Encrypts one SCTP packet the SCTP stack produced for `association` into its DTLS
    /// association and queues it for sending.
    public func sendSCTPPacket(_ packet: [UInt8], association: SCTPAssociationTag, now: Instant, transmit: TransmitQueue) {}

    /// The next event for the shells, or nil when none is pending. Drain after every input.
    public func pollEvent() -> BridgeEvent? { nil }

    /// Counters and gauges for /metrics, /colibri/stats and presence.
    public func statistics() -> BridgeStatistics { BridgeStatistics() }
}

/// The answer to a Colibri2 request: the element to send back, plus the HTTP status a REST
/// transport should use (XMPP sends an IQ result or error instead).
public enum ColibriOutcome: Sendable {
    /// `<conference-modified xmlns="jitsi:colibri2">…</conference-modified>`
    case success(XMLElement)
    /// The stanza `<error>` element of docs/colibri2.md §2.5, and its HTTP status.
    case failure(error: XMLElement, httpStatus: Int)
}

/// Identifies one endpoint's SCTP association between the engine and the SCTP thread.
public struct SCTPAssociationTag: Hashable, Sendable {
    /// A process-unique number, also usable as usrsctp's `sconn_addr`.
    public var rawValue: UInt32
    /// Wraps a raw value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// What the engine asks of the shells.
public enum BridgeEvent: Sendable {
    /// DTLS is up for an endpoint that asked for SCTP: create its server association.
    case sctpAssociationOpened(SCTPAssociationTag)
    /// An SCTP packet arrived inside DTLS for this association: feed it to the SCTP stack.
    case sctpPacketReceived(SCTPAssociationTag, [UInt8])
    /// The endpoint is gone: tear its association down.
    case sctpAssociationClosed(SCTPAssociationTag)
    /// Send this UTF-8 JSON text (PPID 51) on the association's data channel.
    case sendBridgeChannelMessage(SCTPAssociationTag, String)
    /// Something worth one log line (per event, never per packet).
    case log(BridgeLogLevel, String)
}

/// Log levels the engine uses.
public enum BridgeLogLevel: Sendable { case debug, info, warning, error }

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

    /// Creates a configuration.
    public init(
        hostAddresses: [PeerAddress],
        advertisedAddresses: [PeerAddress] = [],
        sctpEnabled: Bool = true,
        advertisePrivateCandidates: Bool = true
    ) {
        self.hostAddresses = hostAddresses
        self.advertisedAddresses = advertisedAddresses
        self.sctpEnabled = sctpEnabled
        self.advertisePrivateCandidates = advertisePrivateCandidates
    }
}

/// A snapshot of the engine's counters and gauges.
public struct BridgeStatistics: Sendable {
    /// Live conferences.
    public var conferences = 0
    /// Live endpoints.
    public var endpoints = 0
    /// Conferences created since start.
    public var conferencesCreated: UInt64 = 0
    /// Conferences expired since start.
    public var conferencesCompleted: UInt64 = 0
    /// Datagrams received on the media port.
    public var packetsReceived: UInt64 = 0
    /// Bytes received on the media port.
    public var bytesReceived: UInt64 = 0
    /// Datagrams queued for sending.
    public var packetsSent: UInt64 = 0
    /// Bytes queued for sending.
    public var bytesSent: UInt64 = 0
    /// Endpoints whose ICE failed or lost consent.
    public var endpointsICEFailed: UInt64 = 0
    /// Endpoints whose DTLS handshake or fingerprint check failed.
    public var endpointsDTLSFailed: UInt64 = 0
    /// Bridge-channel messages received and sent.
    public var dataChannelMessagesReceived: UInt64 = 0
    /// Bridge-channel messages sent.
    public var dataChannelMessagesSent: UInt64 = 0
    /// Dropped datagrams or messages, by reason (`DropReason.rawValue` → count).
    public var drops: [String: UInt64] = [:]

    /// An empty snapshot.
    public init() {}
}
