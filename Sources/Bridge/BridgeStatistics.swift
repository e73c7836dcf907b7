/// A snapshot of the engine's counters and gauges.
public struct BridgeStatistics: Sendable {
    /// Live conferences.
    public var conferences = 0
    /// Live endpoints.
    public var endpoints = 0
    /// Live endpoints with a selected ICE path and SRTP keys (media can flow now).
    public var endpointsConnected = 0
    /// Bytes held by packet caches (the bulk of per-endpoint memory).
    public var packetCacheBytes = 0
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
    /// Key-frame requests (PLI or FIR) sent to senders.
    public var keyframeRequestsSent: UInt64 = 0
    /// Transport-cc feedback packets sent to senders.
    public var transportFeedbackSent: UInt64 = 0
    /// REMB packets sent to senders without transport-cc.
    public var rembSent: UInt64 = 0
    /// Padding bytes sent to receivers to probe their downlinks (`--trust-bwe` only).
    public var probePaddingBytesSent: UInt64 = 0
    /// Sequence numbers of senders' video the bridge NACKed (generic NACK; each retry counts).
    public var retransmissionRequestsSent: UInt64 = 0
    /// Missing sequence numbers of senders' video that arrived later (retransmitted or reordered).
    public var retransmissionRequestsRecovered: UInt64 = 0
    /// Missing sequence numbers of senders' video given up: out of tries, too old, or behind a key frame.
    public var retransmissionRequestsAbandoned: UInt64 = 0
    /// Packets resent to receivers, answering their NACKs from senders' packet caches.
    public var retransmissionsSent: UInt64 = 0
    /// Numbers receivers NACKed that the bridge could not resend: no longer in the receiver's
    /// record of what it was sent, or no longer in the sender's cache (older than about a second).
    public var retransmissionsUnavailable: UInt64 = 0
    /// Dominant-speaker changes announced.
    public var dominantSpeakerChanges: UInt64 = 0
    /// Datagrams that left inside segmented sends (UDP GSO); counted by the media shell, not the engine.
    public var segmentedDatagramsSent: UInt64 = 0
    /// Segmented sends the kernel refused and the shell sent again datagram by datagram.
    public var segmentationRefusals: UInt64 = 0
    /// Dropped datagrams or messages, by reason (`DropReason.rawValue` → count).
    public var drops: [String: UInt64] = [:]
    /// The reachability self-check's conclusion about clients' access to the media port.
    public var reachability = MediaReachability()

    /// An empty snapshot.
    public init() {}
}
