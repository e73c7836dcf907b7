/// Timers of the ICE agent, in milliseconds.
enum ICETiming {
    /// Pacing of new checks, RFC 8445 §14.2 (Ta ≥ 5 ms; 50 ms as libwebrtc and ice4j use).
    static let pacing: Int64 = 50
    /// First retransmission timeout; doubles per retransmit (RFC 5389 §7.2.1).
    static let initialRetransmit: UInt64 = 100
    /// Transmissions per check before the pair fails: 0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3 s,
    /// giving up at 12.7 s.
    static let maximumTransmissions = 7
    /// No pair selected this long after checks start → failed.
    static let failure: Int64 = 30_000
    /// Consent checks every 5 s ± 20 % (RFC 7675 §5.1 asks for 4–6 s randomised).
    static let consentBase: Int64 = 4_000
    static let consentJitter: UInt64 = 2_000
    /// No consent response this long → consent lost (RFC 7675 §5.1).
    static let consentExpiry: Int64 = 30_000
}
