#define _GNU_SOURCE
#include "load_support.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <opus/opus.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOAD_BATCH 64

static void fill_sockaddr(struct sockaddr_in *sa, uint32_t ipv4, uint16_t port) {
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(ipv4);
    sa->sin_port = htons(port);
}

int load_udp_open(uint32_t ipv4, uint16_t port, int buffer_bytes) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    if (buffer_bytes > 0) {
        // FORCE variants pass rmem_max/wmem_max as root; the plain ones are the fallback.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    struct sockaddr_in sa;
    fill_sockaddr(&sa, ipv4, port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int load_udp_port(int fd) {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) return -errno;
    return ntohs(sa.sin_port);
}

void load_close(int fd) { close(fd); }

int load_recv_batch(int fd, uint8_t *slab, int slot, int max, int32_t *lengths, uint32_t *ipv4s,
                    uint16_t *ports, int64_t *receive_ns) {
    struct mmsghdr msgs[LOAD_BATCH];
    struct iovec iovs[LOAD_BATCH];
    struct sockaddr_in addrs[LOAD_BATCH];
    char control[LOAD_BATCH][64];
    if (max > LOAD_BATCH) max = LOAD_BATCH;
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)max);
    for (int i = 0; i < max; i++) {
        iovs[i].iov_base = slab + (size_t)i * (size_t)slot;
        iovs[i].iov_len = (size_t)slot;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &addrs[i];
        msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
        msgs[i].msg_hdr.msg_control = control[i];
        msgs[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int n = recvmmsg(fd, msgs, (unsigned)max, MSG_DONTWAIT, NULL);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        lengths[i] = (int32_t)msgs[i].msg_len;
        ipv4s[i] = ntohl(addrs[i].sin_addr.s_addr);
        ports[i] = ntohs(addrs[i].sin_port);
        receive_ns[i] = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec ts;
                memcpy(&ts, CMSG_DATA(c), sizeof ts);
                receive_ns[i] = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
            }
        }
    }
    return n;
}

int load_send_batch(int fd, const uint8_t *slab, int slot, int count, const int32_t *lengths,
                    const uint32_t *ipv4s, const uint16_t *ports) {
    struct mmsghdr msgs[LOAD_BATCH];
    struct iovec iovs[LOAD_BATCH];
    struct sockaddr_in addrs[LOAD_BATCH];
    int sent = 0;
    while (sent < count) {
        int chunk = count - sent > LOAD_BATCH ? LOAD_BATCH : count - sent;
        memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)chunk);
        for (int i = 0; i < chunk; i++) {
            int k = sent + i;
            iovs[i].iov_base = (void *)(slab + (size_t)k * (size_t)slot);
            iovs[i].iov_len = (size_t)lengths[k];
            fill_sockaddr(&addrs[i], ipv4s[k], ports[k]);
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
        }
        int n = sendmmsg(fd, msgs, (unsigned)chunk, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return sent > 0 ? sent : -errno;
        }
        sent += n;
        if (n < chunk) break;
    }
    return sent;
}

int load_waiter_open(const int *fds, int count) {
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) return -errno;
    for (int i = 0; i < count; i++) {
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &event) != 0) {
            int error = errno;
            close(epfd);
            return -error;
        }
    }
    return epfd;
}

int load_waiter_wait(int epfd, int count, int64_t timeout_ns, uint8_t *ready) {
    // Level-triggered: sockets beyond one call's events are reported again by the next.
    struct epoll_event events[256];
    memset(ready, 0, (size_t)count);
    if (timeout_ns < 0) timeout_ns = 0;
    struct timespec ts = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
    int n = epoll_pwait2(epfd, events, 256, &ts, NULL);
    if (n < 0 && errno == ENOSYS) {
        // Kernels before 5.11: millisecond timeouts, rounded up so a short wait still waits.
        n = epoll_wait(epfd, events, 256, (int)((timeout_ns + 999999) / 1000000));
    }
    if (n < 0) return errno == EINTR ? 0 : -errno;
    int marked = 0;
    for (int i = 0; i < n; i++) {
        uint32_t index = events[i].data.u32;
        if (index < (uint32_t)count && !ready[index]) {
            ready[index] = 1;
            marked++;
        }
    }
    return marked;
}

void load_waiter_close(int epfd) {
    if (epfd >= 0) close(epfd);
}

static int compare_inodes(const void *a, const void *b) {
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

int64_t load_socket_drops(const int32_t *pids, int count) {
    size_t used = 0, capacity = 4096;
    unsigned long *inodes = malloc(capacity * sizeof *inodes);
    if (!inodes) return -ENOMEM;
    for (int p = 0; p < count; p++) {
        if (pids[p] <= 0) continue;
        char folder[64], path[384], target[64];
        snprintf(folder, sizeof folder, "/proc/%d/fd", pids[p]);
        DIR *dir = opendir(folder);
        if (!dir) continue;
        for (struct dirent *entry; (entry = readdir(dir));) {
            snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
            ssize_t n = readlink(path, target, sizeof target - 1);
            unsigned long inode;
            if (n <= 0) continue;
            target[n] = 0;
            if (sscanf(target, "socket:[%lu]", &inode) != 1) continue;
            if (used == capacity) {
                unsigned long *grown = realloc(inodes, 2 * capacity * sizeof *inodes);
                if (!grown) break;
                inodes = grown;
                capacity *= 2;
            }
            inodes[used++] = inode;
        }
        closedir(dir);
    }
    qsort(inodes, used, sizeof *inodes, compare_inodes);
    int64_t total = 0;
    const char *tables[] = {"/proc/net/udp", "/proc/net/udp6"};
    for (int t = 0; t < 2; t++) {
        FILE *file = fopen(tables[t], "r");
        if (!file) continue;
        char line[512];
        if (!fgets(line, sizeof line, file)) {  // the header
            fclose(file);
            continue;
        }
        while (fgets(line, sizeof line, file)) {
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
            unsigned long inode, drops;
            if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %lu", &inode, &drops) != 2) continue;
            if (bsearch(&inode, inodes, used, sizeof *inodes, compare_inodes)) total += (int64_t)drops;
        }
        fclose(file);
    }
    free(inodes);
    return total;
}

int64_t load_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t load_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t load_process_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int load_pin_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -errno;
}

int load_tcp_connect(uint32_t ipv4, uint16_t port, int timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa;
    fill_sockaddr(&sa, ipv4, port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

void *load_opus_create(int bitrate) {
    int error = 0;
    OpusEncoder *encoder = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error);
    if (error != OPUS_OK || !encoder) return NULL;
    opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitrate));
    opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(5));
    return encoder;
}

int load_opus_encode(void *encoder, const int16_t *pcm, uint8_t *out, int capacity) {
    return opus_encode((OpusEncoder *)encoder, pcm, 960, out, capacity);
}

void load_opus_destroy(void *encoder) { opus_encoder_destroy((OpusEncoder *)encoder); }

static volatile sig_atomic_t stop_flag = 0;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

void load_install_signal_flag(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int load_stop_requested(void) { return stop_flag; }
