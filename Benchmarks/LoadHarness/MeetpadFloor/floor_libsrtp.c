// The floor's SRTP through libsrtp2, the library both SFUs use (Debian's build, NSS inside).
#include <srtp2/srtp.h>
#include <stdio.h>
#include <string.h>

#include "floor_crypto.h"

void floor_master_key(uint8_t key[30]) {
    for (int i = 0; i < 30; i++) key[i] = (uint8_t)(i + 1);
}

static srtp_t open_session(int gcm, const uint8_t key[30], int inbound) {
    static int initialised = 0;
    if (!initialised) {
        srtp_init();
        initialised = 1;
    }
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    if (gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_rtp_default(&policy.rtp);
        srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    }
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = (unsigned char *)key;
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;
    srtp_t session = NULL;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) {
        fprintf(stderr, "meetpad-floor: srtp_create failed\n");
        return NULL;
    }
    return session;
}

static floor_inbound *open_inbound(int gcm, const uint8_t key[30]) { return (floor_inbound *)open_session(gcm, key, 1); }
static floor_outbound *open_outbound(int gcm, const uint8_t key[30]) { return (floor_outbound *)open_session(gcm, key, 0); }

static int unprotect(floor_inbound *session, uint8_t *packet, int *length, uint32_t *roc) {
    *roc = 0;
    return srtp_unprotect((srtp_t)session, packet, length) == srtp_err_status_ok ? 0 : -1;
}

static int protect(floor_outbound *session, uint8_t *packet, int *length, uint32_t roc) {
    (void)roc;
    return srtp_protect((srtp_t)session, packet, length) == srtp_err_status_ok ? 0 : -1;
}

const floor_crypto floor_crypto_libsrtp = {"libsrtp2", open_inbound, open_outbound, unprotect, protect};
