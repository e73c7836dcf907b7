// meetpad-floor: the least work a forwarding SFU can do per packet on this machine with these
// libraries (docs/benchmark.md "The floor"). recvmmsg a batch -> srtp_unprotect each packet once
// -> for each receiver memcpy + srtp_protect -> sendmmsg. No ICE, no DTLS (fixed keys shared with
// meetpad-load), no RTCP, no selection: nothing an SFU could skip.
//
// Receivers register by sending the 4 bytes "RCV!" from their socket; every other datagram is
// SRTP from the sender and goes to every registered receiver.
//
//   meetpad-floor --port P --receivers-max N [--profile gcm|cm] [--bind 127.0.0.1]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 1500
#define MAX_RECEIVERS 1024

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

/// The master key and salt meetpad-load uses for floor runs: bytes 1, 2, 3, ... (30 bytes).
static void floor_key(unsigned char *key) {
    for (int i = 0; i < 30; i++) key[i] = (unsigned char)(i + 1);
}

static srtp_t make_session(int gcm, int inbound, unsigned char *key) {
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
    policy.key = key;
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;
    srtp_t session = NULL;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) {
        fprintf(stderr, "meetpad-floor: srtp_create failed\n");
        exit(2);
    }
    return session;
}

int main(int argc, char **argv) {
    int port = 0, max_receivers = 64, gcm = 1;
    const char *bind_ip = "127.0.0.1";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--receivers-max")) max_receivers = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--profile")) gcm = strcmp(argv[i + 1], "cm") != 0;
        else if (!strcmp(argv[i], "--bind")) bind_ip = argv[i + 1];
        else { fprintf(stderr, "meetpad-floor: unknown flag %s\n", argv[i]); return 2; }
    }
    if (port <= 0 || port > 65535 || max_receivers < 1 || max_receivers > MAX_RECEIVERS) {
        fprintf(stderr, "meetpad-floor: need --port 1...65535 and --receivers-max 1...%d\n", MAX_RECEIVERS);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int buffer = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, bind_ip, &local.sin_addr);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
        fprintf(stderr, "meetpad-floor: bind %s:%d: %s\n", bind_ip, port, strerror(errno));
        return 1;
    }

    srtp_init();
    unsigned char key[30];
    floor_key(key);
    srtp_t inbound = make_session(gcm, 1, key);
    srtp_t *outbound = calloc((size_t)max_receivers, sizeof(srtp_t));
    struct sockaddr_in *receivers = calloc((size_t)max_receivers, sizeof(struct sockaddr_in));
    int receiver_count = 0;

    static unsigned char in_slab[BATCH][SLOT];
    static unsigned char out_slab[BATCH][SLOT];
    struct mmsghdr in_msgs[BATCH], out_msgs[BATCH];
    struct iovec in_iov[BATCH], out_iov[BATCH];
    struct sockaddr_in in_addr[BATCH];
    int out_count = 0;
    unsigned long long received = 0, forwarded = 0, failed = 0;

    printf("meetpad-floor ready port=%d profile=%s\n", port, gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80");
    fflush(stdout);
    while (!stop) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 100) <= 0) continue;
        memset(in_msgs, 0, sizeof in_msgs);
        for (int i = 0; i < BATCH; i++) {
            in_iov[i].iov_base = in_slab[i];
            in_iov[i].iov_len = SLOT - 64;  // room for the SRTP trailer
            in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
            in_msgs[i].msg_hdr.msg_iovlen = 1;
            in_msgs[i].msg_hdr.msg_name = &in_addr[i];
            in_msgs[i].msg_hdr.msg_namelen = sizeof in_addr[i];
        }
        int n = recvmmsg(fd, in_msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) continue;
        for (int i = 0; i < n; i++) {
            int len = (int)in_msgs[i].msg_len;
            if (len == 4 && !memcmp(in_slab[i], "RCV!", 4)) {
                if (receiver_count < max_receivers) {
                    receivers[receiver_count] = in_addr[i];
                    outbound[receiver_count] = make_session(gcm, 0, key);
                    receiver_count++;
                }
                continue;
            }
            received++;
            if (srtp_unprotect(inbound, in_slab[i], &len) != srtp_err_status_ok) { failed++; continue; }
            for (int r = 0; r < receiver_count; r++) {
                memcpy(out_slab[out_count], in_slab[i], (size_t)len);
                int out_len = len;
                if (srtp_protect(outbound[r], out_slab[out_count], &out_len) != srtp_err_status_ok) { failed++; continue; }
                out_iov[out_count].iov_base = out_slab[out_count];
                out_iov[out_count].iov_len = (size_t)out_len;
                memset(&out_msgs[out_count], 0, sizeof out_msgs[out_count]);
                out_msgs[out_count].msg_hdr.msg_iov = &out_iov[out_count];
                out_msgs[out_count].msg_hdr.msg_iovlen = 1;
                out_msgs[out_count].msg_hdr.msg_name = &receivers[r];
                out_msgs[out_count].msg_hdr.msg_namelen = sizeof receivers[r];
                if (++out_count == BATCH) {
                    int s = sendmmsg(fd, out_msgs, BATCH, 0);
                    if (s > 0) forwarded += (unsigned long long)s;
                    out_count = 0;
                }
            }
        }
        if (out_count > 0) {
            int s = sendmmsg(fd, out_msgs, (unsigned)out_count, 0);
            if (s > 0) forwarded += (unsigned long long)s;
            out_count = 0;
        }
    }
    fprintf(stderr, "meetpad-floor: received=%llu forwarded=%llu failed=%llu receivers=%d\n", received, forwarded,
            failed, receiver_count);
    return 0;
}
