// SHA1_Init/Update/Final are deprecated in OpenSSL 3.0 in favour of EVP, whose per-message
// reset allocates; they remain exported and use the same assembly as EVP's SHA-1.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "hmac_sha1.h"

#include <openssl/crypto.h>
#include <string.h>

enum { block_length = SHA_CBLOCK };

int mp_hmac_sha1_key_init(mp_hmac_sha1_key *key, const uint8_t *secret, size_t secret_length) {
    uint8_t block[block_length] = {0};
    if (secret_length > block_length) {
        if (SHA1(secret, secret_length, block) == NULL) return 0;
    } else if (secret_length > 0) {
        memcpy(block, secret, secret_length);
    }
    uint8_t pad[block_length];
    for (size_t i = 0; i < block_length; i++) pad[i] = block[i] ^ 0x36;
    int ok = SHA1_Init(&key->inner) && SHA1_Update(&key->inner, pad, block_length);
    for (size_t i = 0; i < block_length; i++) pad[i] = block[i] ^ 0x5c;
    ok = ok && SHA1_Init(&key->outer) && SHA1_Update(&key->outer, pad, block_length);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    return ok;
}

int mp_hmac_sha1(const mp_hmac_sha1_key *key, const void *message, size_t message_length,
                 const void *suffix, size_t suffix_length, uint8_t digest[20]) {
    SHA_CTX context = key->inner;
    uint8_t inner_digest[SHA_DIGEST_LENGTH];
    int ok = SHA1_Update(&context, message, message_length)
        && (suffix_length == 0 || SHA1_Update(&context, suffix, suffix_length))
        && SHA1_Final(inner_digest, &context);
    context = key->outer;
    return ok && SHA1_Update(&context, inner_digest, sizeof inner_digest) && SHA1_Final(digest, &context);
}
