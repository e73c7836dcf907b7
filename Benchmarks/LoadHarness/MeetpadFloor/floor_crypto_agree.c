// Before a run with two SRTP implementations, the floor proves they speak the same wire format:
// a floor figure from a cipher nobody could decrypt would measure nothing.
#include <string.h>

#include "floor_crypto.h"

/// An RTP packet with an RFC 8285 one-byte extension and a patterned payload.
static int sample_packet(uint8_t *packet, uint16_t seq) {
    static const uint8_t header[20] = {0x90, 0x64, 0, 0, 0, 0, 0x0b, 0xb8, 0x10, 0, 0, 0x0a,
                                       0xbe, 0xde, 0, 1, 0x10, 0x55, 0, 0};
    memcpy(packet, header, sizeof header);
    packet[2] = (uint8_t)(seq >> 8);
    packet[3] = (uint8_t)seq;
    for (int i = 0; i < 200; i++) packet[20 + i] = (uint8_t)(i * 7 + seq);
    return 220;
}

static int one_way(const floor_crypto *from, const floor_crypto *to, int gcm) {
    uint8_t key[30];
    floor_master_key(key);
    floor_outbound *out = from->open_outbound(gcm, key);
    floor_inbound *in = to->open_inbound(gcm, key);
    if (!out || !in) return -1;
    for (uint16_t seq = 1000; seq < 1003; seq++) {
        uint8_t plain[256], packet[256];
        int length = sample_packet(plain, seq);
        memcpy(packet, plain, (size_t)length);
        int protected_length = length;
        uint32_t roc = 0;
        if (from->protect(out, packet, &protected_length, 0) != 0 || protected_length <= length) return -1;
        if (to->unprotect(in, packet, &protected_length, &roc) != 0) return -1;
        if (protected_length != length || memcmp(packet, plain, (size_t)length) != 0 || roc != 0) return -1;
    }
    return 0;
}

int floor_crypto_agree(const floor_crypto *a, const floor_crypto *b) {
    return one_way(a, b, 1) == 0 && one_way(b, a, 1) == 0 ? 0 : -1;
}
