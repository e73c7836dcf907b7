import Primitives

extension ServerSettings: CustomStringConvertible {
    /// `key=value` lines, one per setting, as `--print-config` shows them. Holds no secrets.
    public var description: String {
        let lines: [(String, String)] = [
            ("media.port", "\(mediaPort)"),
            ("media.host", mediaHost),
            ("media.advertise_ips", advertisedAddresses.map { "\($0.host)#\($0.port == 0 ? mediaPort : $0.port)" }.joined(separator: ",")),
            ("media.advertise_private_candidates", "\(advertisePrivateCandidates)"),
            ("http.host", httpHost),
            ("http.port", "\(httpPort)"),
            ("colibri.rest_enabled", "\(colibriRESTEnabled)"),
            ("sctp.enabled", "\(sctpEnabled)"),
            ("log.level", "\(logLevel)"),
            ("metrics.prefix", BridgeMetrics.prefix),
            ("version", BridgeVersion.version),
        ]
        return lines.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    }
}
