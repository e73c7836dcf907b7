public import Bridge
import Prometheus
import Synchronization

/// The Prometheus registry behind `GET /metrics`.
///
/// Names use JVB's `jitsi_jvb_` namespace and `_total` counter suffix so existing Jitsi
/// dashboards keep working. The engine counts in plain integers; at each scrape the latest
/// snapshot becomes counter deltas here, so the media thread never calls into metrics.
public final class BridgeMetrics: Sendable {
    /// Prefix of every metric name (JVB's namespace plus underscore).
    public static let prefix = namespace + "_"
    static let namespace = "jitsi_jvb"

    /// Reasons `http_colibri_rejected_total` is labelled with.
    public enum ColibriRejection: String, CaseIterable, Sendable {
        case malformedXML = "malformed_xml"
        case tooLarge = "too_large"
        case unsupportedMediaType = "unsupported_media_type"
    }

    /// One running total of a snapshot (the engine's statistics, STUN discovery's status) and
    /// the counter that mirrors it.
    private struct Total<Snapshot>: Sendable {
        let read: @Sendable (Snapshot) -> UInt64
        let counter: Counter
    }

    private let registry: PrometheusCollectorRegistry
    private let conferences: Gauge
    private let endpoints: Gauge
    private let packetCacheBytes: Gauge
    private let endpointsConnected: Gauge
    private let healthy: Gauge
    private let mediaUnreachable: Gauge
    private let stunPublicAddresses: Gauge
    private let discoveryTotals: [Total<PublicAddressStatus.Snapshot>]
    /// Operational gauges: drain, shutdown flags, stress and XMPP connection counts.
    private let operationGauges: [(Gauge, @Sendable (BridgeOperations.Snapshot) -> Double)]
    private let xmppDisconnects: Counter
    private let totals: [Total<BridgeStatistics>]
    private let rejections: [ColibriRejection: Counter]
    /// What each counter has been advanced to: totals by index, drops by reason.
    private let applied: Mutex<(totals: [UInt64], drops: [String: UInt64], disconnects: UInt64, discovery: [UInt64])>

    /// Creates the registry with every metric present (at zero) from the start.
    public init() {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: Self.descriptor(name, unit: "", help))
        }
        conferences = gauge("conferences", "Live conferences")
        endpoints = gauge("endpoints", "Live endpoints")
        endpointsConnected = gauge("endpoints_connected", "Live endpoints with a working ICE path and SRTP keys")
        packetCacheBytes = gauge("packet_cache_bytes", "Bytes held by the packet caches that answer NACKs")
        healthy = gauge("healthy", "1 while the media loop is running")
        mediaUnreachable = gauge(
            "media_unreachable", "1 while endpoints fail to reach the media port and none has connected since (self-check)")
        stunPublicAddresses = gauge("stun_public_addresses", "Public addresses the last successful STUN round found")
        let discoveryNames: [(String, @Sendable (PublicAddressStatus.Snapshot) -> UInt64, String)] = [
            ("stun_rounds", { $0.rounds }, "STUN discovery rounds finished"),
            ("stun_rounds_failed", { $0.failedRounds }, "STUN discovery rounds no server answered"),
            ("stun_ignored_datagrams", { $0.ignoredDatagrams }, "Datagrams on the STUN discovery socket that answered nothing of ours"),
        ]
        discoveryTotals = Self.totals(discoveryNames, in: registry)
        let operationGauges: [(Gauge, @Sendable (BridgeOperations.Snapshot) -> Double)] = [
            (gauge("drain_mode", "1 in drain mode"), { $0.drain ? 1 : 0 }),
            (gauge("graceful_shutdown", "1 once a graceful shutdown started"), { $0.gracefulShutdown ? 1 : 0 }),
            (gauge("shutting_down", "1 while shutting down"), { $0.shuttingDown ? 1 : 0 }),
            (gauge("stress", "Packet rate over configured capacity (presence stress_level)"), { $0.stress }),
            (gauge("muc_clients_configured", "XMPP connections configured"), { Double($0.xmppConfigured) }),
            (gauge("muc_clients_connected", "XMPP connections logged in"), { Double($0.xmppConnected) }),
            (gauge("mucs_joined", "Brewery rooms joined"), { Double($0.breweriesJoined) }),
        ]
        self.operationGauges = operationGauges
        xmppDisconnects = registry.makeCounter(
            descriptor: Self.descriptor("xmpp_disconnects", unit: "total", "XMPP connections lost after login")
        )
        let names: [(String, @Sendable (BridgeStatistics) -> UInt64, String)] = [
            ("conferences_created", { $0.conferencesCreated }, "Conferences created"),
            ("conferences_completed", { $0.conferencesCompleted }, "Conferences expired"),
            ("packets_received", { $0.packetsReceived }, "Datagrams received on the media port"),
            ("packets_sent", { $0.packetsSent }, "Datagrams sent on the media port"),
            ("bytes_received", { $0.bytesReceived }, "Bytes received on the media port"),
            ("bytes_sent", { $0.bytesSent }, "Bytes sent on the media port"),
            ("endpoints_ice_failed", { $0.endpointsICEFailed }, "Endpoints whose ICE failed"),
            ("endpoints_dtls_failed", { $0.endpointsDTLSFailed }, "Endpoints whose DTLS failed"),
            ("data_channel_messages_received", { $0.dataChannelMessagesReceived }, "Bridge-channel messages received"),
            ("data_channel_messages_sent", { $0.dataChannelMessagesSent }, "Bridge-channel messages sent"),
            ("keyframe_requests_sent", { $0.keyframeRequestsSent }, "Key-frame requests (PLI/FIR) sent to senders"),
            ("transport_cc_feedback_sent", { $0.transportFeedbackSent }, "Transport-cc feedback packets sent to senders"),
            ("remb_sent", { $0.rembSent }, "REMB packets sent to senders without transport-cc"),
            ("probe_padding_bytes_sent", { $0.probePaddingBytesSent }, "Padding bytes sent to probe receivers' downlinks"),
            ("retransmission_requests_sent", { $0.retransmissionRequestsSent }, "Sequence numbers NACKed to senders (each retry counts)"),
            ("retransmission_requests_recovered", { $0.retransmissionRequestsRecovered }, "Missing sender packets that arrived later"),
            ("retransmission_requests_abandoned", { $0.retransmissionRequestsAbandoned }, "Missing sender packets given up"),
            ("retransmissions_sent", { $0.retransmissionsSent }, "Packets resent to receivers answering their NACKs"),
            ("retransmissions_unavailable", { $0.retransmissionsUnavailable },
             "Packets receivers NACKed that were no longer in the bridge's history or the sender's cache"),
            ("dominant_speaker_changes", { $0.dominantSpeakerChanges }, "Dominant-speaker changes announced"),
            ("udp_segmented_datagrams", { $0.segmentedDatagramsSent }, "Datagrams sent inside segmented sends (UDP GSO)"),
            ("udp_segmentation_refused", { $0.segmentationRefusals },
             "Segmented sends the kernel refused (their datagrams went one by one)"),
            ("endpoints_without_ice_checks", { $0.reachability.endpointsWithoutChecks },
             "Endpoints from which no ICE check arrived within 10 s of their transport (self-check)"),
            ("endpoints_without_connection", { $0.reachability.endpointsWithoutConnection },
             "Endpoints whose checks arrived but which did not connect within 10 s (self-check)"),
        ]
        totals = Self.totals(names, in: registry)
        var rejections: [ColibriRejection: Counter] = [:]
        for reason in ColibriRejection.allCases {
            rejections[reason] = registry.makeCounter(
                descriptor: Self.descriptor("http_colibri_rejected", unit: "total", "Colibri2 REST requests refused"),
                labels: [("reason", reason.rawValue)]
            )
        }
        self.rejections = rejections
        self.registry = registry
        applied = Mutex((Array(repeating: 0, count: names.count), [:], 0, Array(repeating: 0, count: discoveryNames.count)))
    }

    /// A `<name>_total` counter per (name, reader, help) entry.
    private static func totals<Snapshot>(
        _ entries: [(String, @Sendable (Snapshot) -> UInt64, String)], in registry: PrometheusCollectorRegistry
    ) -> [Total<Snapshot>] {
        entries.map { name, read, help in
            Total(read: read, counter: registry.makeCounter(descriptor: descriptor(name, unit: "total", help)))
        }
    }

    private static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: name, unitName: unit, helpText: help)
    }

    /// Counts one rejected Colibri2 REST request.
    public func recordRejection(_ reason: ColibriRejection) { rejections[reason]?.increment() }

    /// Brings every metric up to `statistics`, `operations` and `publicAddress` (counters only
    /// ever move forward).
    public func update(
        from statistics: BridgeStatistics, healthy isHealthy: Bool, operations: BridgeOperations.Snapshot = .init(),
        publicAddress: PublicAddressStatus.Snapshot = .init()
    ) {
        conferences.set(to: Double(statistics.conferences))
        endpoints.set(to: Double(statistics.endpoints))
        packetCacheBytes.set(to: Double(statistics.packetCacheBytes))
        endpointsConnected.set(to: Double(statistics.endpointsConnected))
        healthy.set(to: isHealthy ? 1 : 0)
        mediaUnreachable.set(to: statistics.reachability.state == .unreachable ? 1 : 0)
        stunPublicAddresses.set(to: Double(publicAddress.discovered.count))
        for (gauge, read) in operationGauges { gauge.set(to: read(operations)) }
        applied.withLock { applied in
            if operations.xmppDisconnects > applied.disconnects {
                xmppDisconnects.increment(by: Int64(truncatingIfNeeded: operations.xmppDisconnects - applied.disconnects))
                applied.disconnects = operations.xmppDisconnects
            }
            for (index, total) in totals.enumerated() {
                Self.advance(total.counter, to: total.read(statistics), from: &applied.totals[index])
            }
            for (index, total) in discoveryTotals.enumerated() {
                Self.advance(total.counter, to: total.read(publicAddress), from: &applied.discovery[index])
            }
            for (reason, value) in statistics.drops where value > applied.drops[reason, default: 0] {
                // The registry hands back the same counter for the same labels.
                let counter = registry.makeCounter(
                    descriptor: Self.descriptor("drops", unit: "total", "Datagrams or messages dropped, by reason"),
                    labels: [("reason", reason)]
                )
                counter.increment(by: Int64(truncatingIfNeeded: value - applied.drops[reason, default: 0]))
                applied.drops[reason] = value
            }
        }
    }

    /// Moves `counter` forward to `value`; `applied` is where it stands.
    private static func advance(_ counter: Counter, to value: UInt64, from applied: inout UInt64) {
        guard value > applied else { return }
        counter.increment(by: Int64(truncatingIfNeeded: value - applied))
        applied = value
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
