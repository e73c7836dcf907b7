import COpenSSL
import COpenSSLShims

extension DTLSEndpoint {
    /// Largest plaintext a DTLS record carries (RFC 6347 section 4.1 via RFC 5246 section 6.2.1).
    static let maximumRecordPlaintext = 16_384
    /// Records kept while the fingerprint is pending; more are dropped so an unverified peer
    /// cannot grow memory without bound.
    static let maximumHeldRecords = 64

    /// Signals the peer's fingerprint; verifies at once if the handshake already finished.
    ///
    /// A mismatch moves the endpoint to `.failed(.fingerprintMismatch)`; no keys are ever
    /// released for an unverified peer.
    public func setRemoteFingerprint(_ fingerprint: DTLSFingerprint) {
        remoteFingerprint = fingerprint
        guard handshakeComplete, !isFinished else { return }
        defer { releaseRecordBuffers() }
        guard (try? takeRecordBuffers()) != nil else { return }
        try? verifyPeer(against: fingerprint)
    }

    var isFinished: Bool {
        switch state {
        case .failed, .closed: return true
        case .new, .handshaking, .connected: return false
        }
    }

    func throwIfFinished() throws(DTLSError) {
        switch state {
        case .failed(let error): throw error
        case .closed: throw .notConnected
        case .new, .handshaking, .connected: return
        }
    }

    /// Runs OpenSSL until it needs more input: handshake steps first, then record reads.
    func advance() throws(DTLSError) {
        ERR_clear_error()
        if !handshakeComplete {
            let result = SSL_do_handshake(ssl)
            guard result == 1 else {
                try check(SSL_get_error(ssl, result), failure: .handshakeFailed)
                return
            }
            try finishHandshake()
        }
        try readRecords()
    }

    /// Decrypts every record OpenSSL has, so the lent datagram need not outlive the call.
    ///
    /// Records are read into scratch and queued at their own length: reading into the queue
    /// would have it reserve room for the largest record, 16 KB kept by every endpoint for
    /// SCTP packets of about a kilobyte.
    private func readRecords() throws(DTLSError) {
        try withUnsafeTemporaryAllocation(byteCount: Self.maximumRecordPlaintext, alignment: 16) { scratch throws(DTLSError) in
            guard let base = scratch.baseAddress else { return }
            while true {
                let count = SSL_read(ssl, base, Int32(Self.maximumRecordPlaintext))
                guard count > 0 else {
                    try check(SSL_get_error(ssl, count), failure: .alert)
                    return
                }
                guard state == .connected || mp_datagram_queue_count(received) < Self.maximumHeldRecords else { continue }
                guard mp_datagram_queue_push(received, base, Int(count)) == 1 else {
                    throw fail(.openSSL("out of memory"))
                }
            }
        }
    }

    /// Maps an `SSL_get_error` result: waiting is fine, close_notify closes, the rest fails.
    private func check(_ code: Int32, failure: DTLSError) throws(DTLSError) {
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return
        case SSL_ERROR_ZERO_RETURN:
            state = .closed
            srtpKeys = nil
        default:
            // Reason codes at or above SSL_AD_REASON_OFFSET (1000) mean the peer sent the alert.
            throw fail(ERR_GET_REASON(ERR_peek_error()) >= 1000 ? .alert : failure)
        }
    }

    private func finishHandshake() throws(DTLSError) {
        handshakeComplete = true
        guard SSL_get_selected_srtp_profile(ssl) != nil else { throw fail(.noSRTPProfile) }
        guard SSL_get0_peer_certificate(ssl) != nil else { throw fail(.noPeerCertificate) }
        if let remoteFingerprint { try verifyPeer(against: remoteFingerprint) }
    }

    /// Compares the peer certificate's digest with `fingerprint`, then exports the keys.
    func verifyPeer(against fingerprint: DTLSFingerprint) throws(DTLSError) {
        guard let certificate = SSL_get0_peer_certificate(ssl),
            let digest = x509Digest(certificate, hashFunction: fingerprint.hashFunction)
        else { throw fail(.noPeerCertificate) }
        guard constantTimeEqual(digest, fingerprint.digest) else {
            // close_notify tells the peer at once instead of letting it time out.
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            throw fail(.fingerprintMismatch)
        }
        srtpKeys = try exportKeys()
        state = .connected
    }

    /// RFC 5764 section 4.2: 2 * (key + salt) bytes from the "EXTRACTOR-dtls_srtp" exporter.
    private func exportKeys() throws(DTLSError) -> DTLSSRTPKeys {
        guard let profile = SSL_get_selected_srtp_profile(ssl) else { throw fail(.noSRTPProfile) }
        let id = UInt16(truncatingIfNeeded: profile.pointee.id)
        guard let (key, salt) = DTLSSRTPKeys.lengths(forProfile: id) else { throw fail(.noSRTPProfile) }
        var material = [UInt8](repeating: 0, count: 2 * (key + salt))
        let label = "EXTRACTOR-dtls_srtp"
        let exported = material.withUnsafeMutableBufferPointer { out in
            SSL_export_keying_material(ssl, out.baseAddress, out.count, label, label.utf8.count, nil, 0, 0)
        }
        guard exported == 1, let keys = DTLSSRTPKeys(protectionProfileID: id, exported: material, role: role) else {
            throw fail(.openSSL(openSSLErrorText("SSL_export_keying_material")))
        }
        return keys
    }

    /// Moves to `.failed`, forgets keys and unread data, and returns the error for throwing.
    @discardableResult
    func fail(_ error: DTLSError) -> DTLSError {
        state = .failed(error)
        srtpKeys = nil
        mp_datagram_queue_clear(received)
        return error
    }
}

/// Equal-length comparison whose time does not depend on where the bytes differ.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
