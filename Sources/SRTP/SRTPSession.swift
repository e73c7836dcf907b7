/// One direction of SRTP/SRTCP (RFC 3711, RFC 7714) for one peer, on the chosen backend.
///
/// Packets are transformed in place in caller-owned memory. Not thread-safe: one owner drives it.
public final class SRTPSession {
    public typealias Direction = SRTPDirection

    /// Room to leave after a packet for any profile's trailer (GCM tag plus SRTCP index).
    public static let maximumTrailerLength = 20

    /// The session's protection profile.
    public let profile: SRTPProfile
    /// The session's direction.
    public let direction: Direction
    /// Which implementation transforms the packets.
    public let backend: SRTPBackend

    /// An enum rather than a protocol existential, so the per-packet calls are a switch on a
    /// tag, not a witness-table call.
    private enum Implementation {
        case openSSL(OpenSSLSRTPSession)
        case libsrtp(LibSRTPSession)
    }

    private let implementation: Implementation

    /// Creates a session from a master key followed by its master salt.
    public init(
        profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: Direction, backend: SRTPBackend = .openSSL
    ) throws(SRTPError) {
        switch backend {
        case .openSSL:
            implementation = .openSSL(try OpenSSLSRTPSession(profile: profile, masterKeyAndSalt: masterKeyAndSalt, direction: direction))
        case .libsrtp:
            implementation = .libsrtp(try LibSRTPSession(profile: profile, masterKeyAndSalt: masterKeyAndSalt, direction: direction))
        }
        self.profile = profile
        self.direction = direction
        self.backend = backend
    }

    /// Encrypts and authenticates an RTP packet in place; returns the new length.
    public func protectRTP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        switch implementation {
        case .openSSL(let session): try session.protectRTP(packet, length: length, capacity: capacity)
        case .libsrtp(let session): try session.protectRTP(packet, length: length, capacity: capacity)
        }
    }

    /// Verifies and decrypts an SRTP packet in place; returns the plain length.
    public func unprotectRTP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        switch implementation {
        case .openSSL(let session): try session.unprotectRTP(packet, length: length)
        case .libsrtp(let session): try session.unprotectRTP(packet, length: length)
        }
    }

    /// Encrypts and authenticates an RTCP compound packet in place; returns the new length.
    public func protectRTCP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        switch implementation {
        case .openSSL(let session): try session.protectRTCP(packet, length: length, capacity: capacity)
        case .libsrtp(let session): try session.protectRTCP(packet, length: length, capacity: capacity)
        }
    }

    /// Verifies and decrypts an SRTCP packet in place; returns the plain length.
    public func unprotectRTCP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        switch implementation {
        case .openSSL(let session): try session.unprotectRTCP(packet, length: length)
        case .libsrtp(let session): try session.unprotectRTCP(packet, length: length)
        }
    }
}
