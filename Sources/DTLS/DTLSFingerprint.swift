/// A certificate fingerprint as signalled in SDP `a=fingerprint` / Jingle `<fingerprint>`
/// (RFC 8122 section 5): a hash function name and colon-separated upper-case hex octets.
public struct DTLSFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// Lower-case hash name: "sha-1", "sha-224", "sha-256", "sha-384" or "sha-512".
    public var hashFunction: String
    /// Upper-case hex octets joined by colons, e.g. "AB:CD:…".
    public var value: String

    /// Validates and normalises a signalled fingerprint; nil for an unknown hash function, bad
    /// hex, or a digest of the wrong length for the hash.
    public init?(hashFunction: String, value: String) {
        let hash = hashFunction.lowercased()
        guard let length = Self.digestLength(of: hash) else { return nil }
        let octets = value.split(separator: ":", omittingEmptySubsequences: false)
        guard octets.count == length else { return nil }
        for octet in octets {
            guard octet.utf8.count == 2, octet.utf8.allSatisfy(\.isHexDigit) else { return nil }
        }
        self.hashFunction = hash
        self.value = value.uppercased()
    }

    /// Formats a digest the way RFC 8122 writes it.
    init(hashFunction: String, digest: some Sequence<UInt8>) {
        self.hashFunction = hashFunction
        self.value = digest.map(Self.hexOctet).joined(separator: ":")
    }

    /// The digest octets; `value` was validated, so every pair parses.
    var digest: [UInt8] {
        value.split(separator: ":").compactMap { UInt8($0, radix: 16) }
    }

    public var description: String { "\(hashFunction) \(value)" }

    /// Digest sizes of the hash functions RFC 8122 registers and we accept.
    static func digestLength(of hash: String) -> Int? {
        switch hash {
        case "sha-1": return 20
        case "sha-224": return 28
        case "sha-256": return 32
        case "sha-384": return 48
        case "sha-512": return 64
        default: return nil
        }
    }

    private static func hexOctet(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
