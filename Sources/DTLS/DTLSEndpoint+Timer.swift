public import Primitives
import COpenSSLShims

/// Handshake retransmission (RFC 6347 section 4.2.4).
///
/// Sans-IO caveat: OpenSSL 3.0 keeps the DTLS retransmit timer against the wall clock
/// (`gettimeofday`) and offers no way to feed it our `Instant`. ``nextTimeout(now:)`` therefore
/// reports `now` plus OpenSSL's remaining time, and ``handleTimeout(now:)`` asks OpenSSL, which
/// retransmits only if *its* clock says the timer expired (it treats under 15 ms left as
/// expired). With the shell passing a monotonic `now` the two clocks agree to within a batch;
/// simulations that jump `now` ahead must use a short initial timeout or real waits. OpenSSL also
/// retransmits by itself when it reads a datagram after its timer expired.
extension DTLSEndpoint {
    /// Retransmits the last flight if OpenSSL's timer has expired; gives up (state
    /// `.failed(.handshakeFailed)`) after OpenSSL's retry limit.
    public func handleTimeout(now: Instant) {
        guard state == .handshaking || state == .connected else { return }
        guard (try? takeRecordBuffers()) != nil else { return }
        defer { releaseRecordBuffers() }
        if mp_dtls_handle_timeout(ssl) < 0 { fail(.handshakeFailed) }
    }

    /// When ``handleTimeout(now:)`` should run next, or nil while no retransmit timer runs.
    public func nextTimeout(now: Instant) -> Instant? {
        guard state == .handshaking || state == .connected else { return nil }
        var remaining: UInt64 = 0
        guard mp_dtls_get_timeout_us(ssl, &remaining) == 1 else { return nil }
        return now.adding(nanoseconds: remaining &* 1000)
    }
}
