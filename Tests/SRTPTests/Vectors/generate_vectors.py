#!/usr/bin/env python3
"""Independent SRTP/SRTCP whole-packet vectors for SRTPTests (no libsrtp involved).

Run with /work/venv/bin/python (needs the `cryptography` package). The script first checks
its own building blocks against published vectors:
  * the RFC 3711 section 4.3 AES-CM key derivation against RFC 3711 Appendix B.3;
  * AES-GCM SRTP/SRTCP packet processing (RFC 7714 sections 8, 9) against the RFC 7714
    section 16.1.1 and 17.1 packets, which are given at *session-key* level;
then derives session keys from master keys (what libsrtp does) and prints whole-packet
vectors the Swift tests feed through SRTPSession.
"""
import hmac
import hashlib
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def h(text):
    return bytes.fromhex("".join(text.split()))


def aes_ctr(key, iv16, data):
    encryptor = Cipher(algorithms.AES(key), modes.CTR(iv16)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


# RFC 3711 section 4.3.1 / 4.3.3: AES-CM PRF keyed with the master key; x = key_id XOR
# master_salt (key_id = label || index DIV kdr, kdr = 0); IV = x * 2^16. A 96-bit GCM master
# salt is right-padded with zeros to 112 bits, as libsrtp does (RFC 7714 section 11).
def kdf(master_key, master_salt, label, length):
    salt = master_salt.ljust(14, b"\x00")
    x = bytearray(salt)
    x[7] ^= label
    return aes_ctr(master_key, bytes(x) + b"\x00\x00", bytes(length))


# RFC 3711 Appendix B.3
_mk, _ms = h("E1F97A0D3E018BE0D64FA32C06DE4139"), h("0EC675AD498AFEEBB6960B3AABE6")
assert kdf(_mk, _ms, 0, 16) == h("C61E7A93744F39EE10734AFE3FF7A087")
assert kdf(_mk, _ms, 2, 14) == h("30CBBC08863D8C85D49DB34A9AE1")
assert kdf(_mk, _ms, 1, 20) == h("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")


# RFC 7714 section 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD = RTP header.
def gcm_protect_rtp(key, salt, packet, header_length=12, roc=0):
    ssrc, seq = packet[8:12], packet[2:4]
    iv = bytes(a ^ b for a, b in zip(b"\x00\x00" + ssrc + roc.to_bytes(4, "big") + seq, salt))
    header = packet[:header_length]
    return header + AESGCM(key).encrypt(iv, packet[header_length:], header)


# RFC 7714 section 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt;
# AAD = first 8 header octets || E flag || index; trailer = E flag || index after the tag.
def gcm_protect_rtcp(key, salt, packet, index):
    ssrc = packet[4:8]
    word = (0x8000_0000 | index).to_bytes(4, "big")
    iv = bytes(a ^ b for a, b in zip(b"\x00\x00" + ssrc + b"\x00\x00" + index.to_bytes(4, "big"), salt))
    return packet[:8] + AESGCM(key).encrypt(iv, packet[8:], packet[:8] + word) + word


RTP = h("8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976"
        "69736120 696e2070 61727465 73207472 6573")
RTCP = h("81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
         "deadbeef deadbeef deadbeef deadbeef deadbeef")
RFC_KEY, RFC_SALT = h("000102030405060708090a0b0c0d0e0f"), h("517569642070726f2071756f")

# RFC 7714 section 16.1.1 and 17.1 (session key and salt given directly)
assert gcm_protect_rtp(RFC_KEY, RFC_SALT, RTP) == h(
    "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5"
    "0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce")
assert gcm_protect_rtcp(RFC_KEY, RFC_SALT, RTCP, 0x5D4) == h(
    "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d"
    "c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4")


# RFC 3711 section 4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16);
# tag = HMAC-SHA1(auth key, authenticated portion || ROC), truncated to 80 bits.
def cm_iv(salt, ssrc, index):
    block = bytearray(salt + b"\x00\x00")
    for i, byte in enumerate(ssrc):
        block[4 + i] ^= byte
    for i, byte in enumerate(index.to_bytes(6, "big")):
        block[8 + i] ^= byte
    return bytes(block)


def cm_protect_rtp(master_key, master_salt, packet, roc=0):
    key, auth, salt = kdf(master_key, master_salt, 0, 16), kdf(master_key, master_salt, 1, 20), kdf(master_key, master_salt, 2, 14)
    index = (roc << 16) | int.from_bytes(packet[2:4], "big")
    body = packet[:12] + aes_ctr(key, cm_iv(salt, packet[8:12], index), packet[12:])
    return body + hmac.new(auth, body + roc.to_bytes(4, "big"), hashlib.sha1).digest()[:10]


# RFC 3711 section 3.4: SRTCP labels 3/4/5; E flag || index sits between payload and tag.
def cm_protect_rtcp(master_key, master_salt, packet, index):
    key, auth, salt = kdf(master_key, master_salt, 3, 16), kdf(master_key, master_salt, 4, 20), kdf(master_key, master_salt, 5, 14)
    body = packet[:8] + aes_ctr(key, cm_iv(salt, packet[4:8], index), packet[8:]) + (0x8000_0000 | index).to_bytes(4, "big")
    return body + hmac.new(auth, body, hashlib.sha1).digest()[:10]


def gcm_master_rtp(master_key, master_salt, packet):
    return gcm_protect_rtp(kdf(master_key, master_salt, 0, 16), kdf(master_key, master_salt, 2, 12), packet)


def gcm_master_rtcp(master_key, master_salt, packet, index):
    return gcm_protect_rtcp(kdf(master_key, master_salt, 3, 16), kdf(master_key, master_salt, 5, 12), packet, index)


def show(name, data):
    text = data.hex()
    words = [text[i:i + 8] for i in range(0, len(text), 8)]
    lines = [" ".join(words[i:i + 8]) for i in range(0, len(words), 8)]
    print(f"{name} ({len(data)} bytes):")
    for line in lines:
        print("    " + line)


if __name__ == "__main__":
    # GCM: the RFC 7714 key and salt used as *master* key and salt, RFC 7714 packets.
    show("GCM RTP, master = RFC 7714 key||salt", gcm_master_rtp(RFC_KEY, RFC_SALT, RTP))
    # libsrtp's first outbound SRTCP index is 1.
    show("GCM RTCP index 1", gcm_master_rtcp(RFC_KEY, RFC_SALT, RTCP, 1))
    show("GCM RTCP index 0x5d4", gcm_master_rtcp(RFC_KEY, RFC_SALT, RTCP, 0x5D4))
    # AES-CM: RFC 3711 Appendix B.3 master key and salt, the same RFC 7714 packets.
    show("CM RTP, master = RFC 3711 B.3", cm_protect_rtp(_mk, _ms, RTP))
    show("CM RTCP index 1", cm_protect_rtcp(_mk, _ms, RTCP, 1))
