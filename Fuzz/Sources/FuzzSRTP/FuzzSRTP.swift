// Differential: our SRTP (OpenSSL EVP) against libsrtp2, the oracle it was checked against
// packet for packet in the tests, on inputs no test thought of. Both get the same keys and the
// same packets; they must agree on every accept and refuse, and byte for byte on every output.
//
// Input: a selector byte, then a packet.
// - bit 0: the profile (AES-CM + HMAC-SHA1-80, or AEAD AES-128-GCM);
// - bit 1: RTP or RTCP;
// - bits 2-7: which byte of the protected packet the tamper step flips.
// Steps, each with fresh sessions on both sides:
// 1. unprotect the packet as it came (hostile bytes off the wire);
// 2. protect it as plaintext; where both accept, the outputs must be equal;
// 3. unprotect that output: both must restore the plaintext;
// 4. unprotect it again with one byte flipped: both must refuse.

import SRTP

private let masterKeyAndSalt: [UInt8] = (0..<30).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let selector = data[0]
    let profile: SRTPProfile = selector & 1 == 0 ? .aes128CMHMACSHA1_80 : .aeadAES128GCM
    let rtcp = selector & 2 != 0
    let packet = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let keys = Array(masterKeyAndSalt.prefix(profile.masterKeyLength + profile.masterSaltLength))

    _ = agree(profile, keys, .inbound, rtcp, packet, "unprotect of raw input")
    guard let sealed = agree(profile, keys, .outbound, rtcp, packet, "protect") else { return 0 }
    let opened = agree(profile, keys, .inbound, rtcp, sealed, "unprotect of our own output")
    precondition(opened == packet, "unprotect did not restore the plaintext")
    var tampered = sealed
    tampered[Int(selector >> 2) % tampered.count] ^= 0x01
    precondition(agree(profile, keys, .inbound, rtcp, tampered, "unprotect of a flipped byte") == nil, "a flipped byte was accepted")
    return 0
}

/// Runs one transform on both backends with fresh sessions. Both must refuse (nil), or both
/// must accept with the same bytes (returned).
private func agree(
    _ profile: SRTPProfile, _ keys: [UInt8], _ direction: SRTPDirection, _ rtcp: Bool, _ packet: [UInt8], _ step: String
) -> [UInt8]? {
    let ours = transform(.openSSL, profile, keys, direction, rtcp, packet)
    let oracle = transform(.libsrtp, profile, keys, direction, rtcp, packet)
    switch (ours, oracle) {
    case (nil, nil):
        return nil
    case (let ours?, let oracle?):
        precondition(ours == oracle, "\(step): the backends' outputs differ")
        return ours
    default:
        preconditionFailure("\(step): \(ours == nil ? "only ours" : "only libsrtp") refused \(profile) rtcp=\(rtcp) \(packet.count) bytes")
    }
}

private func transform(
    _ backend: SRTPBackend, _ profile: SRTPProfile, _ keys: [UInt8], _ direction: SRTPDirection, _ rtcp: Bool, _ packet: [UInt8]
) -> [UInt8]? {
    guard let session = try? SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: direction, backend: backend) else {
        preconditionFailure("\(backend) refused valid keys")
    }
    var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumTrailerLength)
    let length = try? buffer.withUnsafeMutableBytes { bytes throws(SRTPError) -> Int in
        let start = bytes.baseAddress!
        switch (direction, rtcp) {
        case (.outbound, false): return try session.protectRTP(start, length: packet.count, capacity: bytes.count)
        case (.outbound, true): return try session.protectRTCP(start, length: packet.count, capacity: bytes.count)
        case (.inbound, false): return try session.unprotectRTP(start, length: packet.count)
        case (.inbound, true): return try session.unprotectRTCP(start, length: packet.count)
        }
    }
    return length.map { Array(buffer.prefix($0)) }
}
