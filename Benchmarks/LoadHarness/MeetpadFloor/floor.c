// meetpad-floor: the least work a forwarding SFU can do per packet on this machine with these
// libraries (docs/benchmark.md "The floor"). recvmmsg a batch -> unprotect each packet once ->
// for each receiver of its sender memcpy + protect -> sendmmsg. No ICE, no DTLS (fixed keys
// shared with meetpad-load), no RTCP, no selection: nothing an SFU could skip.
//
// Receivers register by sending "RCV!" and the port of the sender they follow (2 bytes, big
// endian) from their socket, so one floor serves several 1 -> N groups side by side (the
// capacity run adds groups); every other datagram is SRTP from a sender and goes to each of its
// receivers. --crypto picks the SRTP implementation: libsrtp2 (as the SFUs) or openssl (AES-GCM
// from OpenSSL directly, checked against libsrtp2 at start; GCM only). --gso 1 sends a whole
// receive batch's copies as one send batch through the bridge's own segmenting send (ms_send,
// UDP GSO): a receiver's datagrams of one size in the batch leave as one segmented send, as our
// bridge sends them, so "× floor" compares like with like.
//
//   meetpad-floor --port P --receivers-max N [--profile gcm|cm] [--crypto libsrtp|openssl] [--gso 0|1] [--bind 127.0.0.1]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "floor_crypto.h"
#include "media_socket.h"

#define BATCH 64
/// A segmenting send batch holds a receive batch's copies to 16 receivers each (ms_batch's most).
#define GSO_BATCH 1024
#define SLOT 1500
#define MAX_RECEIVERS 2048
#define NO_RECEIVER (-1)

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

/// Registered receivers, chained per sender port: first_receiver[port] -> next_receiver[r] -> ...
typedef struct {
    struct sockaddr_in address[MAX_RECEIVERS];
    ms_addr segmenting_address[MAX_RECEIVERS];  // the same address as ms_send takes it (--gso 1)
    floor_outbound *session[MAX_RECEIVERS];
    int next_receiver[MAX_RECEIVERS];
    int first_receiver[65536];
    int count;
} receiver_table;

static receiver_table receivers;

int main(int argc, char **argv) {
    int port = 0, max_receivers = 64, gcm = 1, gso = 0;
    const char *bind_ip = "127.0.0.1";
    const floor_crypto *crypto = &floor_crypto_libsrtp;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--receivers-max")) max_receivers = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--profile")) gcm = strcmp(argv[i + 1], "cm") != 0;
        else if (!strcmp(argv[i], "--crypto")) crypto = strcmp(argv[i + 1], "openssl") ? &floor_crypto_libsrtp : &floor_crypto_openssl;
        else if (!strcmp(argv[i], "--bind")) bind_ip = argv[i + 1];
        else if (!strcmp(argv[i], "--gso")) gso = atoi(argv[i + 1]) != 0;
        else { fprintf(stderr, "meetpad-floor: unknown flag %s\n", argv[i]); return 2; }
    }
    if (port <= 0 || port > 65535 || max_receivers < 1 || max_receivers > MAX_RECEIVERS) {
        fprintf(stderr, "meetpad-floor: need --port 1...65535 and --receivers-max 1...%d\n", MAX_RECEIVERS);
        return 2;
    }
    if (crypto == &floor_crypto_openssl && (!gcm || floor_crypto_agree(&floor_crypto_openssl, &floor_crypto_libsrtp) != 0)) {
        fprintf(stderr, "meetpad-floor: the openssl SRTP needs --profile gcm and must agree with libsrtp2 (it does not)\n");
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

    uint8_t key[30];
    floor_master_key(key);
    floor_inbound *inbound = crypto->open_inbound(gcm, key);
    if (!inbound) return 2;
    for (int p = 0; p < 65536; p++) receivers.first_receiver[p] = NO_RECEIVER;
    ms_batch *segmenting = NULL;
    if (gso) {
        segmenting = ms_batch_create(fd, GSO_BATCH, 0);
        if (!segmenting || ms_batch_segment(segmenting, fd) != 0) {
            fprintf(stderr, "meetpad-floor: --gso 1, but the kernel cannot segment UDP here\n");
            return 2;
        }
    }
    static unsigned char gso_slab[GSO_BATCH][SLOT];

    static unsigned char in_slab[BATCH][SLOT];
    static unsigned char out_slab[BATCH][SLOT];
    struct mmsghdr in_msgs[BATCH], out_msgs[BATCH];
    struct iovec in_iov[BATCH], out_iov[BATCH];
    struct sockaddr_in in_addr[BATCH];
    int out_count = 0;
    unsigned long long received = 0, forwarded = 0, failed = 0;

    printf("meetpad-floor ready port=%d profile=%s crypto=%s gso=%d\n", port, gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80",
           crypto->name, gso);
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
            if (len == 6 && !memcmp(in_slab[i], "RCV!", 4)) {
                int followed = in_slab[i][4] << 8 | in_slab[i][5];
                if (receivers.count < max_receivers) {
                    int r = receivers.count++;
                    receivers.address[r] = in_addr[i];
                    receivers.segmenting_address[r] = (ms_addr){
                        .high = (uint64_t)ntohl(in_addr[i].sin_addr.s_addr) << 32, .port = ntohs(in_addr[i].sin_port), .family = 4};
                    receivers.session[r] = crypto->open_outbound(gcm, key);
                    receivers.next_receiver[r] = receivers.first_receiver[followed];
                    receivers.first_receiver[followed] = r;
                }
                continue;
            }
            received++;
            uint32_t roc = 0;
            if (crypto->unprotect(inbound, in_slab[i], &len, &roc) != 0) { failed++; continue; }
            for (int r = receivers.first_receiver[ntohs(in_addr[i].sin_port)]; r != NO_RECEIVER; r = receivers.next_receiver[r]) {
                unsigned char *out = gso ? gso_slab[out_count] : out_slab[out_count];
                memcpy(out, in_slab[i], (size_t)len);
                int out_len = len;
                if (crypto->protect(receivers.session[r], out, &out_len, roc) != 0) { failed++; continue; }
                if (gso) {
                    ms_set_message(segmenting, (unsigned)out_count, out, (size_t)out_len, &receivers.segmenting_address[r]);
                    if (++out_count == GSO_BATCH) {
                        forwarded += ms_send(fd, segmenting, (unsigned)out_count, 0).sent;
                        out_count = 0;
                    }
                    continue;
                }
                out_iov[out_count].iov_base = out_slab[out_count];
                out_iov[out_count].iov_len = (size_t)out_len;
                memset(&out_msgs[out_count], 0, sizeof out_msgs[out_count]);
                out_msgs[out_count].msg_hdr.msg_iov = &out_iov[out_count];
                out_msgs[out_count].msg_hdr.msg_iovlen = 1;
                out_msgs[out_count].msg_hdr.msg_name = &receivers.address[r];
                out_msgs[out_count].msg_hdr.msg_namelen = sizeof receivers.address[r];
                if (++out_count == BATCH) {
                    int s = sendmmsg(fd, out_msgs, BATCH, 0);
                    if (s > 0) forwarded += (unsigned long long)s;
                    out_count = 0;
                }
            }
        }
        if (out_count > 0 && gso) {
            forwarded += ms_send(fd, segmenting, (unsigned)out_count, 0).sent;
            out_count = 0;
        } else if (out_count > 0) {
            int s = sendmmsg(fd, out_msgs, (unsigned)out_count, 0);
            if (s > 0) forwarded += (unsigned long long)s;
            out_count = 0;
        }
    }
    fprintf(stderr, "meetpad-floor: received=%llu forwarded=%llu failed=%llu receivers=%d\n", received, forwarded,
            failed, receivers.count);
    return 0;
}
