import Primitives
public import Bridge
import XMPP

/// The flat `/colibri/stats` object: JVB's presence stat names (docs/colibri2.md §1.4) for what
/// the engine counts, plus the state flags jicofo and dashboards read.
public enum ColibriStatsJSON {
    /// Renders the object. Keys come in a fixed order so output is stable for tests and diffs.
    public static func render(
        _ statistics: BridgeStatistics,
        healthy: Bool,
        operations: BridgeOperations.Snapshot = .init(),
        publicAddress: PublicAddressStatus.Snapshot = .init(),
        timestamp: String
    ) -> String {
        let fields: [(String, String)] = [
            ("conferences", "\(statistics.conferences)"),
            ("participants", "\(statistics.endpoints)"),
            ("endpoints", "\(statistics.endpoints)"),
            ("local_endpoints", "\(statistics.endpoints)"),
            ("largest_conference", "0"),
            ("stress_level", BridgePresenceStats.decimal(operations.stress)),
            ("average_participant_stress", "0.01"),
            ("drain", "\(operations.drain)"),
            ("graceful_shutdown", "\(operations.gracefulShutdown)"),
            ("shutting_down", "\(operations.shuttingDown)"),
            ("muc_clients_configured", "\(operations.xmppConfigured)"),
            ("muc_clients_connected", "\(operations.xmppConnected)"),
            ("mucs_joined", "\(operations.breweriesJoined)"),
            ("healthy", "\(healthy)"),
            ("total_conferences_created", "\(statistics.conferencesCreated)"),
            ("total_conferences_completed", "\(statistics.conferencesCompleted)"),
            ("total_packets_received", "\(statistics.packetsReceived)"),
            ("total_packets_sent", "\(statistics.packetsSent)"),
            ("total_bytes_received", "\(statistics.bytesReceived)"),
            ("total_bytes_sent", "\(statistics.bytesSent)"),
            ("endpoints_ice_failed", "\(statistics.endpointsICEFailed)"),
            ("dtls_failed_endpoints", "\(statistics.endpointsDTLSFailed)"),
            ("total_data_channel_messages_received", "\(statistics.dataChannelMessagesReceived)"),
            ("total_data_channel_messages_sent", "\(statistics.dataChannelMessagesSent)"),
            // Ours: the reachability self-check and STUN discovery.
            ("media_reachability", quoted(statistics.reachability.state.rawValue)),
            ("endpoints_without_ice_checks", "\(statistics.reachability.endpointsWithoutChecks)"),
            ("endpoints_without_connection", "\(statistics.reachability.endpointsWithoutConnection)"),
            ("stun_public_addresses", "[" + publicAddress.discovered.map { quoted($0.host) }.joined(separator: ",") + "]"),
            ("current_timestamp", quoted(timestamp)),
            ("version", quoted(BridgeVersion.version)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal; our values are plain ASCII, but escape the JSON specials anyway.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
