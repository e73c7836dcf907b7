import Primitives
import SRTP
import XMPP

extension ServerSettings: CustomStringConvertible {
    /// What `--print-config` shows: `key=value  # source` per setting, then `ignored-env=NAME`
    /// per upstream variable that was set but means nothing here. Secrets print as `<redacted>`.
    public var description: String {
        let advertised = advertisedAddresses.map { "\($0.host)#\($0.port == 0 ? mediaPort : $0.port)" }
        let values: [(String, String)] = [
            ("media.port", "\(mediaPort)"),
            ("media.host", mediaHost),
            ("media.advertise-ips", advertised.joined(separator: ",")),
            ("media.advertise-private-candidates", "\(advertisePrivateCandidates)"),
            ("stun.servers", stunServers.map(\.description).joined(separator: ",")),
            ("srtp.backend", srtpBackend.rawValue),
            ("media.threads", "\(mediaThreads)"),
            ("media.udp-gso", "\(udpSegmentation)"),
            ("sctp.enabled", "\(sctpEnabled)"),
            ("http.host", httpHost),
            ("http.port", "\(httpPort)"),
            ("colibri.rest", "\(colibriRESTEnabled)"),
            ("colibri.shutdown-rest", "\(shutdownRESTEnabled)"),
            ("log.level", "\(logLevel)"),
            ("xmpp.enabled", "\(xmpp.enabled)"),
            ("xmpp.servers", xmpp.servers.map(\.description).joined(separator: ",")),
            ("xmpp.port", xmpp.servers.first.map { "\($0.port)" } ?? ""),
            ("xmpp.domain", xmpp.domain),
            ("xmpp.muc-domain", xmpp.mucDomain),
            ("xmpp.user", xmpp.user),
            ("xmpp.password", xmpp.credentials == nil ? "<unset>" : "<redacted>"),
            ("xmpp.brewery", xmpp.brewery.room.description),
            ("xmpp.nickname", xmpp.nickname),
            ("xmpp.verify-certificate", "\(xmpp.verifyCertificate)"),
            ("xmpp.presence-interval", "\(xmpp.presenceInterval)"),
            ("region", region ?? ""),
            ("stress.packet-rate", "\(Int(stressPacketRate))"),
            ("shutdown.graceful-max-duration", "\(gracefulShutdownMaxDuration)"),
            ("shutdown.shutting-down-delay", "\(shuttingDownDelay)"),
            ("limits.max-conferences", "\(maximumConferences)"),
            ("videobridge.cc.initial-max-height-px", "\(initialMaxHeight)"),
            ("videobridge.cc.trust-bwe", "\(trustsBandwidthEstimate)"),
            ("limits.max-endpoints-per-conference", "\(maximumEndpointsPerConference)"),
        ]
        var lines = values.map { key, value in "\(key)=\(value)  # \(sources[key] ?? "default")" }
        lines.append("metrics.prefix=\(BridgeMetrics.prefix)")
        lines.append("version=\(BridgeVersion.version)")
        lines += ignoredEnvironment.map { "ignored-env=\($0)" }
        return lines.joined(separator: "\n")
    }
}
