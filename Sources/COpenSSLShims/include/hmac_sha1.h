// HMAC-SHA1 (RFC 2104) with the key's inner and outer SHA-1 states computed once, for SRTP's
// per-packet tags. OpenSSL 3.0's EVP_MAC_init and HMAC_Init_ex duplicate a provider context for
// every message (two allocations per tag); restarting from a copied SHA_CTX allocates nothing.
#ifndef MEETPAD_HMAC_SHA1_H
#define MEETPAD_HMAC_SHA1_H

#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>

/// A keyed HMAC-SHA1: SHA-1 after absorbing (key XOR ipad), and after (key XOR opad).
typedef struct {
    SHA_CTX inner;
    SHA_CTX outer;
} mp_hmac_sha1_key;

/// Prepares `key` from `secret` (hashed first if longer than a block). Returns 1 on success.
int mp_hmac_sha1_key_init(mp_hmac_sha1_key *key, const uint8_t *secret, size_t secret_length);

/// The 20-byte HMAC of `message` followed by `suffix` (which may be empty), into `digest`.
/// Returns 1 on success.
int mp_hmac_sha1(const mp_hmac_sha1_key *key, const void *message, size_t message_length,
                 const void *suffix, size_t suffix_length, uint8_t digest[20]);

#endif
