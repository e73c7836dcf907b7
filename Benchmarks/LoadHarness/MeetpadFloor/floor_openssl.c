// The floor's SRTP as AEAD_AES_128_GCM (RFC 7714) straight on OpenSSL's EVP AES-GCM: the same
// wire format as libsrtp's, with nothing around the cipher but the IV, the rollover counter and
// the tag. No replay window: the floor forwards what it is sent, and a bitmask check is noise.
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "floor_crypto.h"

enum { KEY_BYTES = 16, SALT_BYTES = 12, TAG_BYTES = 16, ROC_SLOTS = 256 };

/// RFC 3711 §3.3.1: per SSRC, the highest sequence number seen and its rollover counter.
typedef struct {
    uint32_t ssrc;
    uint32_t roc;
    uint16_t highest;
    enum { SLOT_FREE, SLOT_NEW, SLOT_TRACKING } state;
} roc_slot;

struct floor_inbound {
    EVP_CIPHER_CTX *ctx;
    uint8_t salt[SALT_BYTES];
    roc_slot rocs[ROC_SLOTS];
};

struct floor_outbound {
    EVP_CIPHER_CTX *ctx;
    uint8_t salt[SALT_BYTES];
};

// RFC 3711 §4.3.1 key derivation (AES-CM PRF over the master key) with RFC 7714 §11's 96-bit
// master salt: the salt padded with two zero bytes, the label XORed into byte 7, the block
// counter in the last two bytes.
static int derive(const uint8_t master[30], uint8_t label, uint8_t *out, int length) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, master, NULL) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return -1;
    }
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    for (int done = 0, counter = 0; done < length; counter++) {
        uint8_t block[16] = {0}, stream[16];
        memcpy(block, master + KEY_BYTES, SALT_BYTES);
        block[7] ^= label;
        block[14] = (uint8_t)(counter >> 8);
        block[15] = (uint8_t)counter;
        int produced = 0;
        EVP_EncryptUpdate(ctx, stream, &produced, block, 16);
        int take = length - done < 16 ? length - done : 16;
        memcpy(out + done, stream, (size_t)take);
        done += take;
    }
    EVP_CIPHER_CTX_free(ctx);
    return 0;
}

/// The SRTP session key (label 0) loaded into a GCM context, and the session salt (label 2).
static EVP_CIPHER_CTX *open_context(const uint8_t master[30], int encrypt, uint8_t salt[SALT_BYTES]) {
    uint8_t key[KEY_BYTES];
    if (derive(master, 0x00, key, KEY_BYTES) != 0 || derive(master, 0x02, salt, SALT_BYTES) != 0) return NULL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, NULL, encrypt) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static floor_inbound *open_inbound(int gcm, const uint8_t key[30]) {
    if (!gcm) return NULL;
    floor_inbound *in = calloc(1, sizeof *in);
    if (in && !(in->ctx = open_context(key, 0, in->salt))) {
        free(in);
        return NULL;
    }
    return in;
}

static floor_outbound *open_outbound(int gcm, const uint8_t key[30]) {
    if (!gcm) return NULL;
    floor_outbound *out = calloc(1, sizeof *out);
    if (out && !(out->ctx = open_context(key, 1, out->salt))) {
        free(out);
        return NULL;
    }
    return out;
}

/// The RTP header's length (fixed part, CSRCs, extension), or -1 if it overruns `length`.
static int header_length(const uint8_t *packet, int length) {
    if (length < 12) return -1;
    int header = 12 + 4 * (packet[0] & 0x0F);
    if (packet[0] & 0x10) {
        if (length < header + 4) return -1;
        header += 4 + 4 * (packet[header + 2] << 8 | packet[header + 3]);
    }
    return header <= length ? header : -1;
}

/// RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XORed with the session salt.
static void make_iv(const uint8_t *packet, uint32_t roc, const uint8_t salt[SALT_BYTES], uint8_t iv[SALT_BYTES]) {
    iv[0] = iv[1] = 0;
    memcpy(iv + 2, packet + 8, 4);
    iv[6] = (uint8_t)(roc >> 24);
    iv[7] = (uint8_t)(roc >> 16);
    iv[8] = (uint8_t)(roc >> 8);
    iv[9] = (uint8_t)roc;
    memcpy(iv + 10, packet + 2, 2);
    for (int i = 0; i < SALT_BYTES; i++) iv[i] ^= salt[i];
}

static roc_slot *roc_slot_for(floor_inbound *in, uint32_t ssrc) {
    for (unsigned probe = 0, i = (ssrc * 2654435761u) >> 24; probe < ROC_SLOTS; probe++, i = (i + 1) % ROC_SLOTS) {
        roc_slot *slot = &in->rocs[i];
        if (slot->state == SLOT_FREE) {
            *slot = (roc_slot){.ssrc = ssrc, .state = SLOT_NEW};
            return slot;
        }
        if (slot->ssrc == ssrc) return slot;
    }
    return NULL;
}

static int unprotect(floor_inbound *in, uint8_t *packet, int *length, uint32_t *roc) {
    int header = header_length(packet, *length);
    if (header < 0 || *length < header + TAG_BYTES) return -1;
    uint32_t ssrc = (uint32_t)packet[8] << 24 | (uint32_t)packet[9] << 16 | (uint32_t)packet[10] << 8 | packet[11];
    uint16_t seq = (uint16_t)(packet[2] << 8 | packet[3]);
    roc_slot *slot = roc_slot_for(in, ssrc);
    if (!slot) return -1;
    // RFC 3711 Appendix A: the index guess; a fresh slot takes the first packet as it comes.
    uint32_t guess = slot->roc;
    int fresh = slot->state == SLOT_NEW;
    if (!fresh) {
        if (slot->highest < 32768) {
            if (seq > slot->highest && seq - slot->highest > 32768) guess = slot->roc - 1;
        } else if (seq < slot->highest - 32768) {
            guess = slot->roc + 1;
        }
    }
    uint8_t iv[SALT_BYTES];
    make_iv(packet, guess, in->salt, iv);
    int body = *length - header - TAG_BYTES, produced = 0;
    if (EVP_DecryptInit_ex(in->ctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(in->ctx, NULL, &produced, packet, header) != 1 ||
        EVP_DecryptUpdate(in->ctx, packet + header, &produced, packet + header, body) != 1 ||
        EVP_CIPHER_CTX_ctrl(in->ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, packet + header + body) != 1 ||
        EVP_DecryptFinal_ex(in->ctx, packet + header + body, &produced) != 1)
        return -1;
    if (fresh || guess == slot->roc + 1 || (guess == slot->roc && seq > slot->highest)) {
        slot->roc = guess;
        slot->highest = seq;
        slot->state = SLOT_TRACKING;
    }
    *roc = guess;
    *length = header + body;
    return 0;
}

static int protect(floor_outbound *out, uint8_t *packet, int *length, uint32_t roc) {
    int header = header_length(packet, *length);
    if (header < 0) return -1;
    uint8_t iv[SALT_BYTES];
    make_iv(packet, roc, out->salt, iv);
    int body = *length - header, produced = 0;
    if (EVP_EncryptInit_ex(out->ctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_EncryptUpdate(out->ctx, NULL, &produced, packet, header) != 1 ||
        EVP_EncryptUpdate(out->ctx, packet + header, &produced, packet + header, body) != 1 ||
        EVP_EncryptFinal_ex(out->ctx, packet + header + body, &produced) != 1 ||
        EVP_CIPHER_CTX_ctrl(out->ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, packet + header + body) != 1)
        return -1;
    *length = header + body + TAG_BYTES;
    return 0;
}

const floor_crypto floor_crypto_openssl = {"openssl", open_inbound, open_outbound, unprotect, protect};
