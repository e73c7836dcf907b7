// recvmmsg/sendmmsg/ppoll/eventfd are GNU extensions; Package.swift sets no cSettings, so ask here.
#define _GNU_SOURCE 1
#include "media_socket.h"

#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct ms_batch {
    unsigned capacity;
    int family; // of the socket the batch is used with; destinations are encoded for it
    size_t slot_size;
    uint8_t *slab;
    struct mmsghdr *messages;
    struct iovec *vectors;
    struct sockaddr_storage *names;
    // Receive only: one control buffer per message for the kernel's SCM_TIMESTAMPNS, and the
    // arrival times derived from it (CLOCK_MONOTONIC nanoseconds).
    uint8_t *controls;
    uint64_t *arrivals;
    // Receive only: the kernel's count of datagrams it dropped on this socket for want of
    // receive-buffer room (SO_RXQ_OVFL), as of the last datagram that carried it.
    uint32_t overflows;
    // Send only, with segmentation on (ms_batch_segment): each message's destination, and the
    // coalesced sends built from the messages at every ms_send.
    struct ms_coalescing *coalescing;
};

// One coalesced send: datagrams to one destination, all `segment` bytes long except possibly the
// last (UDP GSO's rule), in queue order.
typedef struct ms_group {
    unsigned first;   // message whose address the group is sent to
    unsigned count;   // datagrams in the group
    unsigned filled;  // datagrams laid out so far
    unsigned offset;  // index of the group's first iovec
    size_t segment;   // while the group is open every datagram in it is this long
    int open;         // more datagrams may join
} ms_group;

typedef struct ms_coalescing {
    ms_addr *destinations;
    unsigned *group_of;
    ms_group *groups;
    struct mmsghdr *messages;
    struct iovec *vectors;
    uint8_t *controls;
    // Open addressing from destination to its newest group; a slot counts only when its stamp is
    // this send's, so nothing is cleared between sends.
    unsigned *table;
    uint32_t *table_stamp;
    unsigned table_mask;
    uint32_t stamp;
    unsigned refusals_in_row;
    int off; // the way out refused segmentation too often
} ms_coalescing;

// Room for one SCM_TIMESTAMPNS message (a struct timespec) and one SO_RXQ_OVFL count, 8-byte
// aligned as CMSG_* expects.
#define MS_CONTROL_SIZE (CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t)))
// UDP GSO limits: the kernel's UDP_MAX_SEGMENTS, a total that fits one IP datagram with its
// headers, and a segment size that fits a 1500-byte path (a larger datagram goes alone, as before).
#define MS_GSO_MAX_SEGMENTS 64
#define MS_GSO_MAX_BYTES 60000
#define MS_GSO_MAX_SEGMENT 1400
#define MS_GSO_CONTROL_SIZE CMSG_SPACE(sizeof(uint16_t))
// A kernel timestamp older than this (a realtime clock step, a stalled thread) is not trusted.
#define MS_MAX_ARRIVAL_AGE_NS 1000000000ull

static uint64_t load_be64(const uint8_t *b) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
    return v;
}

static void store_be64(uint8_t *b, uint64_t v) {
    for (int i = 7; i >= 0; i--) { b[i] = (uint8_t)v; v >>= 8; }
}

// sockaddr -> ms_addr; IPv4-mapped IPv6 (::ffff:a.b.c.d, from a dual-stack socket) becomes IPv4
// so one peer has one identity whichever way the socket was bound.
static int from_sockaddr(const struct sockaddr_storage *ss, ms_addr *out) {
    memset(out, 0, sizeof *out);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        out->family = 4;
        out->high = (uint64_t)ntohl(a->sin_addr.s_addr) << 32;
        out->port = ntohs(a->sin_port);
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        const uint8_t *b = a->sin6_addr.s6_addr;
        out->port = ntohs(a->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
            out->family = 4;
            out->high = (uint64_t)((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15]) << 32;
            return 0;
        }
        out->family = 6;
        out->high = load_be64(b);
        out->low = load_be64(b + 8);
        return 0;
    }
    return -1;
}

// ms_addr -> sockaddr for a socket of `socket_family`; IPv4 destinations on an IPv6 socket are
// written v4-mapped.
static socklen_t to_sockaddr(const ms_addr *in, int socket_family, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (in->family == 4 && socket_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(in->port);
        a->sin_addr.s_addr = htonl((uint32_t)(in->high >> 32));
        return sizeof *a;
    }
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(in->port);
    if (in->family == 4) {
        uint32_t v4 = (uint32_t)(in->high >> 32);
        a->sin6_addr.s6_addr[10] = 0xff;
        a->sin6_addr.s6_addr[11] = 0xff;
        a->sin6_addr.s6_addr[12] = (uint8_t)(v4 >> 24);
        a->sin6_addr.s6_addr[13] = (uint8_t)(v4 >> 16);
        a->sin6_addr.s6_addr[14] = (uint8_t)(v4 >> 8);
        a->sin6_addr.s6_addr[15] = (uint8_t)v4;
    } else {
        store_be64(a->sin6_addr.s6_addr, in->high);
        store_be64(a->sin6_addr.s6_addr + 8, in->low);
    }
    return sizeof *a;
}

static void set_buffer(int fd, int force_option, int option, int bytes) {
    // SO_*BUFFORCE passes rmem_max/wmem_max (needs CAP_NET_ADMIN); fall back to the capped one.
    if (setsockopt(fd, SOL_SOCKET, force_option, &bytes, sizeof bytes) != 0)
        (void)setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
}

int ms_udp_open(const ms_addr *bind_addr, int buffer_bytes) {
    int family = bind_addr->family == 6 ? AF_INET6 : AF_INET;
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (family == AF_INET6) {
        int off = 0;
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    // Per-datagram kernel receive times: one batch holds packets that arrived up to a loop turn
    // apart, and congestion control needs when each one arrived (probe clusters, delay trends).
    int on = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    // The kernel's running count of datagrams it dropped because the receive buffer was full: the
    // one loss no counter of ours can see, and the first sign the media thread falls behind.
    (void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    if (buffer_bytes > 0) {
        set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, buffer_bytes);
        set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, buffer_bytes);
    }
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(bind_addr, family, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int ms_local_address(int fd, ms_addr *out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
    return from_sockaddr(&ss, out) == 0 ? 0 : -EAFNOSUPPORT;
}

int ms_buffer_sizes(int fd, int *receive, int *send) {
    socklen_t len = sizeof *receive;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, receive, &len) != 0) return -errno;
    len = sizeof *send;
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, send, &len) != 0) return -errno;
    return 0;
}

void ms_close(int fd) {
    if (fd >= 0) close(fd);
}

ms_batch *ms_batch_create(int fd, unsigned capacity, size_t slot_size) {
    // 1024 is the kernel's UIO_MAXIOV, the most messages one recvmmsg/sendmmsg takes.
    if (capacity == 0 || capacity > 1024) return NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return NULL;
    ms_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->family = ss.ss_family;
    b->capacity = capacity;
    b->slot_size = slot_size;
    b->messages = calloc(capacity, sizeof *b->messages);
    b->vectors = calloc(capacity, sizeof *b->vectors);
    b->names = calloc(capacity, sizeof *b->names);
    if (slot_size > 0) {
        b->slab = aligned_alloc(64, ((capacity * slot_size) + 63) / 64 * 64);
        b->controls = calloc(capacity, MS_CONTROL_SIZE);
        b->arrivals = calloc(capacity, sizeof *b->arrivals);
    }
    if (!b->messages || !b->vectors || !b->names ||
        (slot_size > 0 && (!b->slab || !b->controls || !b->arrivals))) {
        ms_batch_destroy(b);
        return NULL;
    }
    for (unsigned i = 0; i < capacity; i++) {
        if (b->slab) {
            b->vectors[i].iov_base = b->slab + (size_t)i * slot_size;
            b->vectors[i].iov_len = slot_size;
        }
        b->messages[i].msg_hdr.msg_iov = &b->vectors[i];
        b->messages[i].msg_hdr.msg_iovlen = 1;
        b->messages[i].msg_hdr.msg_name = &b->names[i];
    }
    return b;
}

// Whether the kernel can segment UDP sends on `fd` (UDP_SEGMENT, Linux 4.18+).
static int segmentation_supported(int fd) {
    int size = 0;
    socklen_t len = sizeof size;
    return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, &len) == 0;
}

int ms_batch_segment(ms_batch *b, int fd) {
    if (b->slab) return -EINVAL;
    if (b->coalescing) return 0;
    if (!segmentation_supported(fd)) return -ENOPROTOOPT;
    unsigned table_size = 1;
    while (table_size < 2 * b->capacity) table_size <<= 1;
    // One block for the struct and its arrays, each at a 16-byte boundary: one free releases it.
    size_t n = b->capacity;
    size_t sizes[] = {sizeof(ms_coalescing), n * sizeof(ms_addr), n * sizeof(unsigned), n * sizeof(ms_group),
                      n * sizeof(struct mmsghdr), n * sizeof(struct iovec), n * MS_GSO_CONTROL_SIZE,
                      table_size * sizeof(unsigned), table_size * sizeof(uint32_t)};
    size_t offsets[sizeof sizes / sizeof sizes[0]], total = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        offsets[i] = total;
        total += (sizes[i] + 15) / 16 * 16;
    }
    uint8_t *block = aligned_alloc(16, total);
    if (!block) return -ENOMEM;
    memset(block, 0, total);
    ms_coalescing *c = (ms_coalescing *)block;
    c->destinations = (ms_addr *)(block + offsets[1]);
    c->group_of = (unsigned *)(block + offsets[2]);
    c->groups = (ms_group *)(block + offsets[3]);
    c->messages = (struct mmsghdr *)(block + offsets[4]);
    c->vectors = (struct iovec *)(block + offsets[5]);
    c->controls = block + offsets[6];
    c->table = (unsigned *)(block + offsets[7]);
    c->table_stamp = (uint32_t *)(block + offsets[8]);
    c->table_mask = table_size - 1;
    b->coalescing = c;
    return 0;
}

int ms_batch_segments(const ms_batch *b) { return b->coalescing != NULL && !b->coalescing->off; }

void ms_batch_destroy(ms_batch *b) {
    if (!b) return;
    free(b->coalescing);
    free(b->slab);
    free(b->controls);
    free(b->arrivals);
    free(b->names);
    free(b->vectors);
    free(b->messages);
    free(b);
}

unsigned ms_batch_capacity(const ms_batch *b) { return b->capacity; }

static uint64_t timespec_ns(const struct timespec *t) {
    return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

// Reads both clocks at (nearly) one instant: the realtime read is bracketed by two monotonic
// ones and paired with their midpoint. A thread preempted between two plain reads would pair
// times milliseconds apart and shift every arrival of the batch by that much; a wide bracket is
// read again, and the tightest of a few tries is kept.
static void read_clock_pair(uint64_t *mono_ns, uint64_t *real_ns) {
    uint64_t best_width = UINT64_MAX;
    for (int attempt = 0; attempt < 3 && best_width > 50000; attempt++) {
        struct timespec before, real, after;
        clock_gettime(CLOCK_MONOTONIC, &before);
        clock_gettime(CLOCK_REALTIME, &real);
        clock_gettime(CLOCK_MONOTONIC, &after);
        uint64_t start = timespec_ns(&before), end = timespec_ns(&after);
        if (end - start < best_width) {
            best_width = end - start;
            *mono_ns = start + (end - start) / 2;
            *real_ns = timespec_ns(&real);
        }
    }
}

// The kernel stamps datagrams with CLOCK_REALTIME; the engine runs on CLOCK_MONOTONIC. Both
// clocks are read once per batch and each stamp is carried over by its age, so a realtime step
// shifts nothing (ages outside 0...1 s fall back to "now"). A datagram queued after a drop also
// carries the socket's drop count, kept as the batch's `overflows`.
static void read_controls(ms_batch *b, unsigned count) {
    uint64_t mono_ns = 0, real_ns = 0;
    read_clock_pair(&mono_ns, &real_ns);
    for (unsigned i = 0; i < count; i++) {
        uint64_t arrival = mono_ns;
        struct msghdr *h = &b->messages[i].msg_hdr;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
            if (c->cmsg_level != SOL_SOCKET) continue;
            if (c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec stamp;
                memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
                uint64_t stamp_ns = timespec_ns(&stamp);
                if (stamp_ns <= real_ns && real_ns - stamp_ns <= MS_MAX_ARRIVAL_AGE_NS) arrival = mono_ns - (real_ns - stamp_ns);
            } else if (c->cmsg_type == SO_RXQ_OVFL) {
                memcpy(&b->overflows, CMSG_DATA(c), sizeof b->overflows);
            }
        }
        b->arrivals[i] = arrival;
    }
}

int ms_receive(int fd, ms_batch *b) {
    for (unsigned i = 0; i < b->capacity; i++) {
        b->messages[i].msg_hdr.msg_namelen = sizeof b->names[i];
        b->messages[i].msg_hdr.msg_flags = 0;
        b->messages[i].msg_len = 0;
        b->messages[i].msg_hdr.msg_control = b->controls + (size_t)i * MS_CONTROL_SIZE;
        b->messages[i].msg_hdr.msg_controllen = MS_CONTROL_SIZE;
    }
    for (;;) {
        int n = recvmmsg(fd, b->messages, b->capacity, MSG_DONTWAIT, NULL);
        if (n >= 0) {
            read_controls(b, (unsigned)n);
            return n;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -errno;
    }
}

uint8_t *ms_slot(ms_batch *b, unsigned index) { return b->slab + (size_t)index * b->slot_size; }

size_t ms_received_length(const ms_batch *b, unsigned index) {
    size_t n = b->messages[index].msg_len;
    return n > b->slot_size ? b->slot_size : n;
}

uint64_t ms_arrival_ns(const ms_batch *b, unsigned index) { return b->arrivals[index]; }

int ms_truncated(const ms_batch *b, unsigned index) {
    return (b->messages[index].msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

uint32_t ms_receive_overflows(const ms_batch *b) { return b->overflows; }

int ms_source(const ms_batch *b, unsigned index, ms_addr *out) {
    return from_sockaddr(&b->names[index], out);
}

void ms_set_message(ms_batch *b, unsigned index, const void *data, size_t length, const ms_addr *destination) {
    b->vectors[index].iov_base = (void *)data;
    b->vectors[index].iov_len = length;
    b->messages[index].msg_hdr.msg_namelen = to_sockaddr(destination, b->family, &b->names[index]);
    if (b->coalescing) b->coalescing->destinations[index] = *destination;
}

static int is_buffer_full(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS; }

static int same_destination(const ms_addr *a, const ms_addr *b) {
    return a->high == b->high && a->low == b->low && a->port == b->port && a->family == b->family;
}

static unsigned destination_hash(const ms_addr *a) {
    uint64_t h = (a->high ^ (a->low * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)a->port << 8) ^ a->family) * 0x9E3779B97F4A7C15ull;
    return (unsigned)(h >> 32);
}

// Groups messages 0..<count by destination without reordering any destination's datagrams: a
// datagram joins its destination's newest group while that group is open and the datagram is no
// longer than the group's segment size; a shorter one is GSO's last segment and closes the group.
// Returns the number of groups, in the order of their first datagram.
static unsigned plan_groups(ms_batch *b, unsigned count) {
    ms_coalescing *c = b->coalescing;
    if (++c->stamp == 0) {
        memset(c->table_stamp, 0, (c->table_mask + 1) * sizeof *c->table_stamp);
        c->stamp = 1;
    }
    unsigned groups = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t length = b->vectors[i].iov_len;
        const ms_addr *destination = &c->destinations[i];
        unsigned slot = destination_hash(destination) & c->table_mask;
        // The table holds at most one entry per destination and is twice the batch: a free slot exists.
        while (c->table_stamp[slot] == c->stamp &&
               !same_destination(&c->destinations[c->groups[c->table[slot]].first], destination))
            slot = (slot + 1) & c->table_mask;
        if (c->table_stamp[slot] == c->stamp) {
            ms_group *g = &c->groups[c->table[slot]];
            if (g->open && length <= g->segment && g->count * g->segment + length <= MS_GSO_MAX_BYTES) {
                c->group_of[i] = c->table[slot];
                g->count += 1;
                if (length < g->segment || g->count == MS_GSO_MAX_SEGMENTS) g->open = 0;
                continue;
            }
        }
        ms_group *g = &c->groups[groups];
        g->first = i;
        g->count = 1;
        g->filled = 0;
        g->segment = length;
        g->open = length > 0 && length <= MS_GSO_MAX_SEGMENT;
        c->group_of[i] = groups;
        c->table[slot] = groups;
        c->table_stamp[slot] = c->stamp;
        groups += 1;
    }
    return groups;
}

// One message per group: its datagrams' iovecs in order and, for more than one, the segment size.
static void lay_out_groups(ms_batch *b, unsigned count, unsigned groups) {
    ms_coalescing *c = b->coalescing;
    unsigned offset = 0;
    for (unsigned g = 0; g < groups; g++) {
        c->groups[g].offset = offset;
        offset += c->groups[g].count;
    }
    for (unsigned i = 0; i < count; i++) {
        ms_group *g = &c->groups[c->group_of[i]];
        c->vectors[g->offset + g->filled] = b->vectors[i];
        g->filled += 1;
    }
    for (unsigned index = 0; index < groups; index++) {
        const ms_group *g = &c->groups[index];
        struct msghdr *h = &c->messages[index].msg_hdr;
        h->msg_name = &b->names[g->first];
        h->msg_namelen = b->messages[g->first].msg_hdr.msg_namelen;
        h->msg_iov = &c->vectors[g->offset];
        h->msg_iovlen = g->count;
        h->msg_flags = 0;
        if (g->count == 1) {
            h->msg_control = NULL;
            h->msg_controllen = 0;
            continue;
        }
        uint8_t *control = c->controls + (size_t)index * MS_GSO_CONTROL_SIZE;
        memset(control, 0, MS_GSO_CONTROL_SIZE);
        h->msg_control = control;
        h->msg_controllen = MS_GSO_CONTROL_SIZE;
        struct cmsghdr *cm = CMSG_FIRSTHDR(h);
        cm->cmsg_level = SOL_UDP;
        cm->cmsg_type = UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t segment = (uint16_t)g->segment;
        memcpy(CMSG_DATA(cm), &segment, sizeof segment);
    }
}

// Sends a group's datagrams one at a time, after the route refused them as one segmented send.
static void send_group_singly(int fd, ms_batch *b, const ms_group *g, ms_send_result *r) {
    ms_coalescing *c = b->coalescing;
    for (unsigned k = 0; k < g->count; k++) {
        struct msghdr h;
        memset(&h, 0, sizeof h);
        h.msg_name = &b->names[g->first];
        h.msg_namelen = b->messages[g->first].msg_hdr.msg_namelen;
        h.msg_iov = &c->vectors[g->offset + k];
        h.msg_iovlen = 1;
        ssize_t n;
        do n = sendmsg(fd, &h, MSG_DONTWAIT); while (n < 0 && errno == EINTR);
        if (n >= 0) {
            r->sent += 1;
            continue;
        }
        r->last_error = errno;
        if (is_buffer_full(errno)) r->dropped += 1; else r->failed += 1;
    }
}

// After this many refused segmented sends in a row the batch stops trying: the way out cannot
// segment (a device without checksum offload answers EIO every time).
#define MS_GSO_REFUSALS_BEFORE_OFF 64

// Sends `count` messages with sendmmsg, resuming after partial sends. Without `groups` each
// message is one datagram; with them message i carries groups[i].count datagrams, segmented.
static ms_send_result send_messages(int fd, ms_batch *b, struct mmsghdr *messages, unsigned count, const ms_group *groups,
                                    int full_wait_ms) {
    ms_send_result r = {0, 0, 0, 0, 0, 0};
    unsigned next = 0;
    int waited = 0;
    while (next < count) {
        int n = sendmmsg(fd, messages + next, count - next, MSG_DONTWAIT);
        if (n > 0) {
            for (unsigned m = next; m < next + (unsigned)n; m++) {
                unsigned datagrams = groups ? groups[m].count : 1;
                r.sent += datagrams;
                if (datagrams > 1) {
                    r.segmented += datagrams;
                    b->coalescing->refusals_in_row = 0;
                }
            }
            next += (unsigned)n;
            continue;
        }
        int error = n < 0 ? errno : EIO;
        if (error == EINTR) continue;
        if (is_buffer_full(error)) {
            struct pollfd p = {fd, POLLOUT, 0};
            if (!waited && full_wait_ms > 0 && poll(&p, 1, full_wait_ms) > 0) {
                waited = 1;
                continue;
            }
            for (unsigned m = next; m < count; m++) r.dropped += groups ? groups[m].count : 1;
            r.last_error = error;
            break;
        }
        // sendmmsg reports an error only for the first message it could not send. A plain
        // datagram is skipped; a segmented send the route refused goes again datagram by datagram.
        if (groups && groups[next].count > 1) {
            r.refused += 1;
            if (++b->coalescing->refusals_in_row >= MS_GSO_REFUSALS_BEFORE_OFF) b->coalescing->off = 1;
            send_group_singly(fd, b, &groups[next], &r);
        } else {
            r.failed += 1;
            r.last_error = error;
        }
        next += 1;
    }
    return r;
}

ms_send_result ms_send(int fd, ms_batch *b, unsigned count, int full_wait_ms) {
    if (count > b->capacity) count = b->capacity;
    if (!b->coalescing || b->coalescing->off || count < 2) return send_messages(fd, b, b->messages, count, NULL, full_wait_ms);
    ms_coalescing *c = b->coalescing;
    unsigned groups = plan_groups(b, count);
    lay_out_groups(b, count, groups);
    return send_messages(fd, b, c->messages, groups, c->groups, full_wait_ms);
}

int ms_wait(int fd, int event_fd, int64_t timeout_ns) {
    struct pollfd p[2] = {{fd, POLLIN, 0}, {event_fd, POLLIN, 0}};
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tsp = &ts;
    }
    int n = ppoll(p, event_fd >= 0 ? 2 : 1, tsp, NULL);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    int mask = 0;
    if (p[0].revents & (POLLIN | POLLERR)) mask |= MS_READABLE;
    if (event_fd >= 0 && (p[1].revents & POLLIN)) mask |= MS_WOKEN;
    return mask;
}

int ms_eventfd_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void ms_eventfd_signal(int event_fd) {
    uint64_t one = 1;
    ssize_t ignored = write(event_fd, &one, sizeof one);
    (void)ignored;
}

void ms_eventfd_clear(int event_fd) {
    uint64_t value;
    ssize_t ignored = read(event_fd, &value, sizeof value);
    (void)ignored;
}

uint64_t ms_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ms_set_thread_name(const char *name) {
    (void)pthread_setname_np(pthread_self(), name);
}

uint64_t ms_realtime_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int ms_trim_heap(void) { return malloc_trim(0); }

int ms_usable_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}
