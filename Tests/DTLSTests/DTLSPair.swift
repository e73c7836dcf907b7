import DTLS
import Primitives

/// Two endpoints wired back to back on a simulated clock, for handshake tests.
final class DTLSPair {
    let clientCertificate: DTLSCertificate
    let serverCertificate: DTLSCertificate
    let client: DTLSEndpoint
    let server: DTLSEndpoint
    var now = Instant.zero
    /// Every error `handleDatagram` threw, with the receiving role.
    var errors: [(DTLSRole, DTLSError)] = []
    /// Largest datagram seen on the wire.
    var largestDatagram = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 20_000, alignment: 8)

    init(
        clientSees serverFingerprint: DTLSFingerprint?? = .none, serverSees clientFingerprint: DTLSFingerprint?? = .none,
        initialRetransmitTimeoutMilliseconds: Int = 1000
    ) throws {
        clientCertificate = try DTLSCertificate.generate()
        serverCertificate = try DTLSCertificate.generate()
        client = try DTLSEndpoint(
            certificate: clientCertificate, role: .client,
            remoteFingerprint: serverFingerprint ?? serverCertificate.fingerprint,
            initialRetransmitTimeoutMilliseconds: initialRetransmitTimeoutMilliseconds)
        server = try DTLSEndpoint(
            certificate: serverCertificate, role: .server,
            remoteFingerprint: clientFingerprint ?? clientCertificate.fingerprint,
            initialRetransmitTimeoutMilliseconds: initialRetransmitTimeoutMilliseconds)
    }

    deinit { buffer.deallocate() }

    func endpoint(_ role: DTLSRole) -> DTLSEndpoint { role == .client ? client : server }

    /// Polls every datagram `from` has queued.
    func drain(_ from: DTLSRole) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        while case let length = endpoint(from).pollDatagram(into: buffer), length > 0 {
            datagrams.append(Array(buffer[0..<length]))
        }
        return datagrams
    }

    /// Delivers datagrams to `to`, recording errors instead of throwing.
    func deliver(_ datagrams: [[UInt8]], to: DTLSRole) {
        for datagram in datagrams {
            largestDatagram = max(largestDatagram, datagram.count)
            do throws(DTLSError) {
                try endpoint(to).handle(datagram, now: now)
            } catch {
                errors.append((to, error))
            }
        }
    }

    /// Starts both sides and shuttles datagrams until neither has anything to send.
    func handshake() {
        server.startHandshake(now: now)
        client.startHandshake(now: now)
        pump()
    }

    func pump(maximumRounds: Int = 20) {
        for _ in 0..<maximumRounds {
            let fromClient = drain(.client)
            let fromServer = drain(.server)
            if fromClient.isEmpty && fromServer.isEmpty { return }
            deliver(fromClient, to: .server)
            deliver(fromServer, to: .client)
        }
    }

    /// Application data `to` has decrypted, one entry per record.
    func readAll(_ role: DTLSRole) -> [[UInt8]] {
        var records: [[UInt8]] = []
        while case let length = endpoint(role).readApplicationData(into: buffer), length > 0 {
            records.append(Array(buffer[0..<length]))
        }
        return records
    }
}

extension DTLSEndpoint {
    /// `handleDatagram` for an array; `withUnsafeBytes` does not forward typed throws.
    func handle(_ datagram: [UInt8], now: Instant) throws(DTLSError) {
        try datagram.withUnsafeBytes { bytes in
            Result { () throws(DTLSError) in try handleDatagram(bytes, now: now) }
        }.get()
    }

    /// `sendApplicationData` for an array.
    func send(_ message: [UInt8]) throws(DTLSError) {
        try message.withUnsafeBytes { bytes in
            Result { () throws(DTLSError) in try sendApplicationData(bytes) }
        }.get()
    }
}
