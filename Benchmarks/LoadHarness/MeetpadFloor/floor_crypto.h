// The SRTP work of the floor behind one interface, so the same forwarding loop can be timed
// with Debian's libsrtp2 (what both SFUs use) and with AES-GCM straight from OpenSSL (what the
// hardware allows: docs/benchmark.md measured Debian's NSS-backed libsrtp2 well above it).
#ifndef MEETPAD_FLOOR_CRYPTO_H
#define MEETPAD_FLOOR_CRYPTO_H

#include <stdint.h>

/// The master key and salt meetpad-load uses for floor runs: bytes 1, 2, 3, ... (30 bytes; a
/// profile takes as many as it needs).
void floor_master_key(uint8_t key[30]);

typedef struct floor_inbound floor_inbound;
typedef struct floor_outbound floor_outbound;

/// One SRTP implementation. `roc` is the packet's rollover counter (RFC 3711 §3.3.1): found by
/// unprotect and handed to protect, since the floor forwards every packet under its own SSRC and
/// sequence number. Implementations that track it themselves (libsrtp) ignore it.
typedef struct {
    const char *name;
    /// NULL when the implementation does not offer `gcm` (0: AES_CM_128_HMAC_SHA1_80).
    floor_inbound *(*open_inbound)(int gcm, const uint8_t key[30]);
    floor_outbound *(*open_outbound)(int gcm, const uint8_t key[30]);
    /// Authenticates and decrypts in place; 0 and the plain length in *length, or -1.
    int (*unprotect)(floor_inbound *, uint8_t *packet, int *length, uint32_t *roc);
    /// Encrypts in place and appends the tag (room for 16 bytes needed); 0 or -1.
    int (*protect)(floor_outbound *, uint8_t *packet, int *length, uint32_t roc);
} floor_crypto;

extern const floor_crypto floor_crypto_libsrtp;
extern const floor_crypto floor_crypto_openssl;

/// Protects a packet with `a` and unprotects it with `b` and back: 0 when the two agree on the
/// wire format (the OpenSSL implementation is checked against libsrtp before a run).
int floor_crypto_agree(const floor_crypto *a, const floor_crypto *b);

#endif
