// The media port's system calls: one UDP socket, batched receive and send, a poll-based wait
// with an eventfd for cross-thread wake-ups, and the monotonic clock.
//
// Why C: recvmmsg/sendmmsg take arrays of mmsghdr/iovec/sockaddr that Swift can only build
// through unsafe pointers and per-call casts; here they are laid out once at creation and
// reused, so no call below allocates.
#ifndef MEETPAD_MEDIA_SOCKET_H
#define MEETPAD_MEDIA_SOCKET_H

#include <stddef.h>
#include <stdint.h>

/// A transport address as plain integers, matching Swift's PeerAddress layout: `high` holds the
/// first 8 address bytes in network order read as a big-endian number (IPv4: the address in
/// the top 32 bits), `low` the last 8 (zero for IPv4), `port` in host order, `family` 4 or 6.
typedef struct ms_addr {
    uint64_t high;
    uint64_t low;
    uint16_t port;
    uint8_t family;
} ms_addr;

/// Opens a non-blocking, close-on-exec UDP socket bound to `bind_addr`, with kernel receive
/// timestamps and receive-overflow counts on. Both buffers are set to `buffer_bytes` (forced past rmem_max/wmem_max where
/// allowed). An IPv6 wildcard bind also accepts IPv4 (v4-mapped sources come back as IPv4).
/// Returns the fd, or -errno.
int ms_udp_open(const ms_addr *bind_addr, int buffer_bytes);

/// The address the socket is bound to (with the kernel-chosen port after binding port 0).
/// Returns 0 or -errno.
int ms_local_address(int fd, ms_addr *out);

/// The effective receive and send buffer sizes in bytes. Returns 0 or -errno.
int ms_buffer_sizes(int fd, int *receive, int *send);

/// Closes a descriptor.
void ms_close(int fd);

/// A receive or send batch: `capacity` message headers, iovecs and address slots, allocated
/// once. A receive batch also owns `capacity` slots of `slot_size` bytes.
typedef struct ms_batch ms_batch;

/// Creates a batch for socket `fd` (destinations are encoded for its family); `slot_size` 0
/// means no slab (a send batch). NULL on a bad capacity (1...1024) or allocation failure.
ms_batch *ms_batch_create(int fd, unsigned capacity, size_t slot_size);
/// Frees a batch.
void ms_batch_destroy(ms_batch *batch);
/// The batch's capacity.
unsigned ms_batch_capacity(const ms_batch *batch);

/// Receives up to `capacity` datagrams into the slab. Returns the count (0 when nothing is
/// waiting), or -errno for a socket error.
int ms_receive(int fd, ms_batch *batch);
/// Start of receive slot `index`.
uint8_t *ms_slot(ms_batch *batch, unsigned index);
/// Length of the datagram received into slot `index` (truncated datagrams are flagged by
/// `ms_truncated`).
size_t ms_received_length(const ms_batch *batch, unsigned index);
/// When datagram `index` reached the socket (the kernel's receive timestamp), on the
/// CLOCK_MONOTONIC scale in nanoseconds; the receive time if the kernel gave no stamp.
uint64_t ms_arrival_ns(const ms_batch *batch, unsigned index);
/// Non-zero if the datagram in slot `index` did not fit its slot.
int ms_truncated(const ms_batch *batch, unsigned index);
/// Datagrams the kernel dropped on the socket since it opened because its receive buffer was
/// full (SO_RXQ_OVFL), as last reported with a received datagram: a count that only grows (and
/// wraps at 2^32), seen once a datagram queued after the drop is read.
uint32_t ms_receive_overflows(const ms_batch *batch);
/// Source address of the datagram in slot `index`; returns 0, or -1 for an unknown family.
int ms_source(const ms_batch *batch, unsigned index, ms_addr *out);

/// Sets message `index` of a send batch: `length` bytes at `data` to `destination`.
void ms_set_message(ms_batch *batch, unsigned index, const void *data, size_t length, const ms_addr *destination);

/// Turns on segmentation (UDP GSO) for a send batch on socket `fd`: from then on `ms_send` sends
/// the datagrams of one destination that queue up in a batch as one message the kernel cuts
/// into datagrams, which costs one pass through the IP stack instead of one per datagram (a key
/// frame fanned out to many receivers). Each destination's datagrams keep their order; datagrams
/// to different destinations may leave in another order. Returns 0, -ENOPROTOOPT if the kernel
/// cannot, -EINVAL for a receive batch, -ENOMEM. Allocates here, never in `ms_send`.
int ms_batch_segment(ms_batch *batch, int fd);
/// Non-zero while segmentation is on for the batch (it turns itself off if the way out keeps refusing).
int ms_batch_segments(const ms_batch *batch);

/// Result of sending a batch.
typedef struct ms_send_result {
    unsigned sent;      ///< datagrams the kernel accepted
    unsigned failed;    ///< datagrams skipped after a per-datagram error (bad route, bad address)
    unsigned dropped;   ///< datagrams left unsent because the send buffer stayed full
    int last_error;     ///< errno of the last failure, 0 if none
    unsigned segmented; ///< datagrams of `sent` that left inside segmented (GSO) sends
    unsigned refused;   ///< segmented sends the kernel refused, sent again datagram by datagram
} ms_send_result;

/// Sends messages 0..<count with sendmmsg, resuming after partial sends, skipping datagrams
/// the kernel refuses and, when the send buffer is full, waiting up to `full_wait_ms` for room
/// once before dropping the rest. With segmentation on, datagrams to one destination of one
/// size (the last may be shorter) go as one segmented send.
ms_send_result ms_send(int fd, ms_batch *batch, unsigned count, int full_wait_ms);

/// Readiness bits returned by `ms_wait`.
enum { MS_READABLE = 1, MS_WOKEN = 2 };

/// Waits until `fd` is readable, `event_fd` is signalled, or `timeout_ns` elapses (negative:
/// no timeout). Returns a mask of MS_READABLE | MS_WOKEN (0 on timeout), or -errno.
int ms_wait(int fd, int event_fd, int64_t timeout_ns);

/// Creates a non-blocking eventfd; returns it or -errno.
int ms_eventfd_create(void);
/// Signals an eventfd (wakes `ms_wait`).
void ms_eventfd_signal(int event_fd);
/// Resets an eventfd after a wake-up.
void ms_eventfd_clear(int event_fd);

/// Names the calling thread (shown by top -H and in core dumps); at most 15 characters.
void ms_set_thread_name(const char *name);

/// How many CPUs the process may run on (its affinity mask: a container's cpuset), at least 1.
int ms_usable_cpus(void);

/// CLOCK_REALTIME in milliseconds since the Unix epoch (for stats timestamps only).
uint64_t ms_realtime_ms(void);

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t ms_monotonic_ns(void);

/// Returns free heap memory to the kernel (glibc's malloc_trim on every arena). glibc keeps
/// freed blocks below its mmap threshold, which it raises to the largest block freed, so the
/// packet caches of endpoints that left would otherwise stay in RSS. Returns 1 if it released any.
int ms_trim_heap(void);

#endif
