/// SRTP master keys exported from a DTLS-SRTP handshake (RFC 5764 section 4.2).
///
/// The exporter yields `client key || server key || client salt || server salt`; this type has
/// already split it by role, so ``localMasterKeyAndSalt`` protects what we send and
/// ``remoteMasterKeyAndSalt`` unprotects what we receive.
public struct DTLSSRTPKeys: Sendable, Equatable {
    /// The negotiated profile's IANA id: 7 = SRTP_AEAD_AES_128_GCM, 1 = SRTP_AES128_CM_HMAC_SHA1_80.
    public var protectionProfileID: UInt16
    /// Our master key followed by our master salt.
    public var localMasterKeyAndSalt: [UInt8]
    /// The peer's master key followed by its master salt.
    public var remoteMasterKeyAndSalt: [UInt8]

    /// Creates a key set; normally only ``DTLSEndpoint`` does this.
    public init(protectionProfileID: UInt16, localMasterKeyAndSalt: [UInt8], remoteMasterKeyAndSalt: [UInt8]) {
        self.protectionProfileID = protectionProfileID
        self.localMasterKeyAndSalt = localMasterKeyAndSalt
        self.remoteMasterKeyAndSalt = remoteMasterKeyAndSalt
    }

    /// Key and salt lengths per profile (RFC 5764 section 4.1.2, RFC 7714 section 14.2), or nil for a
    /// profile we never offer.
    static func lengths(forProfile id: UInt16) -> (key: Int, salt: Int)? {
        switch id {
        case 1: return (16, 14)  // SRTP_AES128_CM_HMAC_SHA1_80
        case 7: return (16, 12)  // SRTP_AEAD_AES_128_GCM
        default: return nil
        }
    }

    /// Splits exporter output by role: the client writes with the client half.
    init?(protectionProfileID id: UInt16, exported material: [UInt8], role: DTLSRole) {
        guard let (key, salt) = Self.lengths(forProfile: id), material.count == 2 * (key + salt) else { return nil }
        let clientKey = material[0..<key]
        let serverKey = material[key..<(2 * key)]
        let clientSalt = material[(2 * key)..<(2 * key + salt)]
        let serverSalt = material[(2 * key + salt)..<(2 * key + 2 * salt)]
        let client = Array(clientKey) + Array(clientSalt)
        let server = Array(serverKey) + Array(serverSalt)
        self.init(
            protectionProfileID: id,
            localMasterKeyAndSalt: role == .client ? client : server,
            remoteMasterKeyAndSalt: role == .client ? server : client
        )
    }
}
