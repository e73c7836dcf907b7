// System calls and libopus for the load generator (meetpad-load), kept in C because Swift cannot
// build mmsghdr arrays or call variadic opus_encoder_ctl without per-call casts.
//
// Addresses are IPv4 in host byte order (PeerAddress.ipv4) plus a host-order port. Every send and
// receive is batched (sendmmsg/recvmmsg); receive timestamps come from the kernel
// (SO_TIMESTAMPNS, CLOCK_REALTIME), so added latency does not include the generator's own
// scheduling delay.
#ifndef MEETPAD_LOAD_SUPPORT_H
#define MEETPAD_LOAD_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// Opens a non-blocking UDP socket bound to ipv4:port (port 0: kernel-chosen) with
/// `buffer_bytes` send and receive buffers and kernel receive timestamps. Returns fd or -errno.
int load_udp_open(uint32_t ipv4, uint16_t port, int buffer_bytes);
/// The bound port, or -errno.
int load_udp_port(int fd);
/// Closes a descriptor.
void load_close(int fd);

/// Receives up to `max` (at most 64) datagrams into `slab` (slots of `slot` bytes). Fills lengths,
/// sources and kernel receive times (realtime ns). Returns the count, 0 if none, -errno on error.
int load_recv_batch(int fd, uint8_t *slab, int slot, int max, int32_t *lengths, uint32_t *ipv4s,
                    uint16_t *ports, int64_t *receive_ns);
/// Sends `count` datagrams from `slab` (slots of `slot` bytes) with sendmmsg, in chunks of 64.
/// Returns the number sent (the rest were refused, e.g. EAGAIN), or -errno.
int load_send_batch(int fd, const uint8_t *slab, int slot, int count, const int32_t *lengths,
                    const uint32_t *ipv4s, const uint16_t *ports);

/// An epoll set over `count` sockets, `fds[i]` reported as index i: one set for a run's peers,
/// however many (poll's fixed array left peers above 1024 unread). Returns its fd or -errno.
int load_waiter_open(const int *fds, int count);
/// Waits until a socket of the set is readable or `timeout_ns` passed; marks readable ones in
/// `ready` (count entries, 1/0). Returns the number marked, 0 on timeout, -errno on error (EINTR is 0).
int load_waiter_wait(int epfd, int count, int64_t timeout_ns, uint8_t *ready);
void load_waiter_close(int epfd);

/// Datagrams the kernel dropped so far on the UDP sockets the `count` processes `pids` hold
/// (the drops column of /proc/net/udp and /proc/net/udp6), or -errno. In C because /proc/net/udp
/// is a seq_file read page by page, which Foundation's file reading cut short.
int64_t load_socket_drops(const int32_t *pids, int count);

/// CLOCK_REALTIME in ns (comparable with kernel receive timestamps).
int64_t load_realtime_ns(void);
/// CLOCK_MONOTONIC in ns.
int64_t load_monotonic_ns(void);
/// CPU time (user + system) of this process in ns.
int64_t load_process_cpu_ns(void);
/// Pins the calling process to one CPU; 0 or -errno.
int load_pin_cpu(int cpu);

/// Connects a blocking TCP socket to ipv4:port with a receive/send timeout. fd or -errno.
int load_tcp_connect(uint32_t ipv4, uint16_t port, int timeout_ms);

/// A libopus encoder at 48 kHz mono, VOIP, the given bitrate; NULL on failure.
void *load_opus_create(int bitrate);
/// Encodes one 20 ms frame (960 samples). Returns bytes written or a negative opus error.
int load_opus_encode(void *encoder, const int16_t *pcm, uint8_t *out, int capacity);
/// Frees an encoder.
void load_opus_destroy(void *encoder);

/// Installs SIGINT/SIGTERM handlers that set a flag read by load_stop_requested.
void load_install_signal_flag(void);
/// Non-zero once SIGINT or SIGTERM arrived.
int load_stop_requested(void);

#endif
