/// The values the bridge publishes in its brewery presence (docs/colibri2.md §1.4), i.e. what
/// jicofo's `Bridge.setStats` selects bridges by.
public struct BridgePresenceStats: Sendable, Equatable {
    /// Measured load over capacity (packet rate / configured capacity); jicofo avoids ≥ 0.8.
    public var stressLevel: Double
    /// Stress one more participant adds (jicofo's default is 0.01).
    public var averageParticipantStress: Double
    /// Drain mode. Always sent: jicofo treats a bridge as draining until it sees `drain`.
    public var drain: Bool
    /// Graceful shutdown started (sticky in jicofo).
    public var gracefulShutdown: Bool
    /// About to exit; jicofo moves every participant away on the transition to true.
    public var shuttingDown: Bool
    /// The cached health-check result.
    public var healthy: Bool
    /// The version string jicofo compares for Octo.
    public var version: String
    /// Optional release suffix (jicofo uses `version-release`).
    public var release: String?
    /// Conferences hosted now.
    public var conferences: Int
    /// Endpoints hosted now.
    public var participants: Int
    /// The configured region, if any.
    public var region: String?
    /// The relay (Octo) id, only when relays are enabled.
    public var relayID: String?
    /// Ours: whether clients reach the media port (`unknown`, `reachable`, `unreachable`), so
    /// operators watching jicofo's bridge list see a bridge nobody can send media to. jicofo
    /// ignores stats it does not know.
    public var mediaReachability: String?

    /// Creates stats; optional values are omitted from the presence when nil.
    public init(
        stressLevel: Double, averageParticipantStress: Double = 0.01, drain: Bool = false,
        gracefulShutdown: Bool = false, shuttingDown: Bool = false, healthy: Bool = true, version: String,
        release: String? = nil, conferences: Int = 0, participants: Int = 0, region: String? = nil,
        relayID: String? = nil, mediaReachability: String? = nil
    ) {
        self.stressLevel = stressLevel
        self.averageParticipantStress = averageParticipantStress
        self.drain = drain
        self.gracefulShutdown = gracefulShutdown
        self.shuttingDown = shuttingDown
        self.healthy = healthy
        self.version = version
        self.release = release
        self.conferences = conferences
        self.participants = participants
        self.region = region
        self.relayID = relayID
        self.mediaReachability = mediaReachability
    }

    /// The `(name, value)` pairs in the order JVB writes them; every value is text, booleans as
    /// `true`/`false` (Java's `Boolean.parseBoolean`), numbers in plain decimal (`Double.parseDouble`).
    public var statPairs: [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = [
            ("stress_level", Self.decimal(stressLevel)),
            ("average_participant_stress", Self.decimal(averageParticipantStress)),
            ("drain", String(drain)),
            ("graceful_shutdown", String(gracefulShutdown)),
            ("shutting_down", String(shuttingDown)),
            ("healthy", String(healthy)),
            ("version", version),
        ]
        if let release { pairs.append(("release", release)) }
        if let region { pairs.append(("region", region)) }
        if let relayID { pairs.append(("relay_id", relayID)) }
        pairs.append(("conferences", String(max(0, conferences))))
        pairs.append(("participants", String(max(0, participants))))
        if let mediaReachability { pairs.append(("media_reachability", mediaReachability)) }
        return pairs
    }

    /// Fixed-point text with up to six decimals, never exponent notation or "nan"/"inf": those
    /// would make jicofo's parse fail and drop the whole presence. Negative and non-finite values
    /// become 0; the value is capped at 10⁹.
    public static func decimal(_ value: Double) -> String {
        let clamped = value.isFinite ? min(max(value, 0), 1e9) : 0
        let micros = Int64((clamped * 1_000_000).rounded())
        let whole = micros / 1_000_000
        var fraction = String(micros % 1_000_000)
        guard fraction != "0" else { return String(whole) }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return String(whole) + "." + fraction
    }
}
