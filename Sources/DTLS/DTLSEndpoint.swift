public import Primitives
import COpenSSL
import COpenSSLShims

/// One DTLS 1.2 association for DTLS-SRTP and SCTP data channels, sans-IO.
///
/// Bytes go in with ``handleDatagram(_:now:)`` and come out with ``pollDatagram(into:)`` (one
/// DTLS datagram per call, boundaries kept: a flight carrying a certificate may span several)
/// and ``readApplicationData(into:)``. OpenSSL runs over a custom BIO with no socket behind it.
/// After every `handle…` call drain both `poll…`/`read…` queues before the next input.
///
/// The peer is authenticated by comparing its certificate digest with the fingerprint signalled
/// in Colibri (RFC 8842 section 5.1). The handshake may finish before jicofo forwards the
/// fingerprint (it travels with session-accept while media may already flow); the endpoint then
/// stays ``DTLSState/handshaking`` and withholds keys and application data until
/// ``setRemoteFingerprint(_:)`` verifies the certificate.
///
/// Not thread-safe: one owner (the media thread) drives it.
public final class DTLSEndpoint {
    /// MTU handed to OpenSSL for handshake fragmentation: safe under typical path MTUs and TURN
    /// overhead, matching what browsers use.
    public static let mtu = 1200

    /// Our handshake role.
    public let role: DTLSRole
    /// Where the association stands; see ``DTLSState``.
    public internal(set) var state: DTLSState = .new
    /// SRTP master keys, available once ``state`` is ``DTLSState/connected``.
    public internal(set) var srtpKeys: DTLSSRTPKeys?
    /// Outgoing datagrams or application records dropped because a caller's buffer was too small.
    public internal(set) var droppedForBufferSize = 0

    let certificate: DTLSCertificate
    /// `SSL *`; owns ``bio``.
    let ssl: OpaquePointer
    /// The datagram BIO serving as both read and write BIO.
    let bio: OpaquePointer
    /// Decrypted application records waiting for ``readApplicationData(into:)``.
    let received: OpaquePointer
    var remoteFingerprint: DTLSFingerprint?
    var handshakeComplete = false

    /// Creates an endpoint sharing `certificate`'s OpenSSL context.
    ///
    /// - Parameter initialRetransmitTimeoutMilliseconds: first handshake retransmission timeout;
    ///   it doubles per retry up to 60 s. RFC 6347 suggests 1000 ms.
    public init(
        certificate: DTLSCertificate, role: DTLSRole, remoteFingerprint: DTLSFingerprint?,
        initialRetransmitTimeoutMilliseconds: Int = 1000
    ) throws(DTLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(certificate.context) else { throw .openSSL(openSSLErrorText("SSL_new")) }
        guard let bio = mp_dgram_bio_new(), let received = mp_datagram_queue_new() else {
            SSL_free(ssl)
            throw .openSSL(openSSLErrorText("datagram BIO"))
        }
        SSL_set_bio(ssl, bio, bio)  // one reference, now owned by `ssl`
        guard mp_ssl_set_mtu(ssl, Self.mtu) > 0 else {
            SSL_free(ssl)
            mp_datagram_queue_free(received)
            throw .openSSL(openSSLErrorText("SSL_set_mtu"))
        }
        let timeout = UInt32(clamping: max(1, initialRetransmitTimeoutMilliseconds) * 1000)
        mp_dtls_set_initial_timeout(ssl, timeout)
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        self.certificate = certificate
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        self.ssl = ssl
        self.bio = bio
        self.received = received
    }

    deinit {
        SSL_free(ssl)
        mp_datagram_queue_free(received)
    }

    /// Starts the handshake once ICE is writable: the client queues its ClientHello, the server
    /// just starts listening (it also accepts a ClientHello that arrives before this call).
    public func startHandshake(now: Instant) {
        guard state == .new else { return }
        state = .handshaking
        if role == .client { try? advance() }
    }

    /// Feeds one received datagram holding one or more DTLS records.
    ///
    /// Throws ``DTLSError/malformedRecord`` for anything that is not well-framed DTLS (nothing
    /// reaches OpenSSL then), the failure that ended the association, or
    /// ``DTLSError/notConnected`` after close. Datagrams that fail decryption are dropped
    /// silently by OpenSSL, as RFC 6347 section 4.1.2.7 asks.
    public func handleDatagram(_ datagram: UnsafeRawBufferPointer, now: Instant) throws(DTLSError) {
        try throwIfFinished()
        try DTLSRecordHeader.validateDatagram(datagram)
        if state == .new { state = .handshaking }
        mp_dgram_bio_set_incoming(bio, datagram.baseAddress, datagram.count)
        defer { mp_dgram_bio_set_incoming(bio, nil, 0) }
        try takeRecordBuffers()
        defer { releaseRecordBuffers() }
        try advance()
    }

    /// Copies the next outgoing datagram into `buffer` and returns its length, 0 if none.
    ///
    /// A datagram larger than `buffer` is discarded and counted in ``droppedForBufferSize``;
    /// buffers of at least ``mtu`` bytes hold every handshake datagram.
    public func pollDatagram(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        pop(from: mp_dgram_bio_outgoing(bio), into: buffer)
    }

    /// Encrypts one application message (an SCTP packet) into one record; the datagram then
    /// waits in ``pollDatagram(into:)``. Requires ``DTLSState/connected``.
    public func sendApplicationData(_ bytes: UnsafeRawBufferPointer) throws(DTLSError) {
        guard state == .connected else { throw .notConnected }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard bytes.count <= 16_384 else { throw .bufferTooSmall }
        try takeRecordBuffers()
        defer { releaseRecordBuffers() }
        ERR_clear_error()
        guard SSL_write(ssl, base, Int32(bytes.count)) == Int32(bytes.count) else {
            throw .openSSL(openSSLErrorText("SSL_write"))
        }
    }

    /// Copies the next decrypted application record into `buffer` and returns its length, 0 if
    /// none (or not yet verified). A record larger than `buffer` is discarded and counted.
    public func readApplicationData(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard state == .connected else { return 0 }
        return pop(from: received, into: buffer)
    }

    /// OpenSSL's record buffers, once the handshake is over. An SSL holds a read and a write
    /// buffer for the largest record (about 17 KB each) from its first flight on; after the
    /// handshake an endpoint's DTLS carries only the bridge channel's SCTP packets, a few a
    /// second, so the buffers are taken for each call into OpenSSL and given back after it: 33 KB
    /// less per endpoint for an allocation per record. The handshake keeps them (OpenSSL may
    /// retransmit a flight at any time then). Taking them is a no-op while they are held, so a
    /// call nested in another only takes them; the public entry points give them back.
    func takeRecordBuffers() throws(DTLSError) {
        guard handshakeComplete, !isFinished else { return }
        guard SSL_alloc_buffers(ssl) == 1 else { throw fail(.openSSL("out of memory")) }
    }

    /// Gives the record buffers back; OpenSSL refuses (and keeps them) while a record is part
    /// read or written.
    func releaseRecordBuffers() {
        guard handshakeComplete else { return }
        _ = SSL_free_buffers(ssl)
    }

    private func pop(from queue: OpaquePointer?, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let queue else { return 0 }
        while true {
            let length = mp_datagram_queue_pop(queue, buffer.baseAddress, buffer.count)
            if length >= 0 { return length }
            droppedForBufferSize += 1
        }
    }
}
