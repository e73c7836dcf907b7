// C wrappers for the parts of OpenSSL 3.0 that Swift cannot import: function-like macros,
// SSL_OP_* constants built from SSL_OP_BIT(), and a datagram-preserving BIO.
#ifndef MEETPAD_COPENSSL_SHIMS_H
#define MEETPAD_COPENSSL_SHIMS_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

// MARK: SSL_OP_* constants (SSL_OP_BIT is a function-like macro, so these do not import)

static const uint64_t mp_SSL_OP_NO_QUERY_MTU = SSL_OP_NO_QUERY_MTU;
static const uint64_t mp_SSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
static const uint64_t mp_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;

// MARK: macro wrappers

/// SSL_set_mtu: the DTLS record-layer MTU (payload bytes, without IP/UDP). Returns the MTU on
/// success, 0 if it is below the DTLS minimum.
long mp_ssl_set_mtu(SSL *ssl, long mtu);
/// SSL_CTX_set_min_proto_version / SSL_CTX_set_max_proto_version. Return 1 on success.
int mp_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);
int mp_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);
/// SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF).
void mp_ssl_ctx_disable_session_cache(SSL_CTX *ctx);
/// DTLSv1_get_timeout: 1 and the remaining microseconds in *remaining_us if a retransmit timer
/// runs, 0 otherwise. OpenSSL measures it against the wall clock.
int mp_dtls_get_timeout_us(SSL *ssl, uint64_t *remaining_us);
/// DTLSv1_handle_timeout: 1 if a flight was retransmitted, 0 if nothing was due, -1 on failure
/// (for example too many retransmissions).
int mp_dtls_handle_timeout(SSL *ssl);
/// Installs a retransmit timer callback: the first timeout is `initial_us`, then it doubles up
/// to 60 s (RFC 6347 section 4.2.4.1).
void mp_dtls_set_initial_timeout(SSL *ssl, unsigned int initial_us);

// MARK: datagram queue

/// A FIFO of byte strings that keeps their boundaries. Storage grows on demand and is reused
/// once drained, so steady-state pushes do not allocate.
typedef struct mp_datagram_queue mp_datagram_queue;

mp_datagram_queue *mp_datagram_queue_new(void);
void mp_datagram_queue_free(mp_datagram_queue *queue);
/// Copies one datagram in. Returns 1, or 0 if memory ran out. Empty datagrams are ignored.
int mp_datagram_queue_push(mp_datagram_queue *queue, const void *bytes, size_t length);
size_t mp_datagram_queue_count(const mp_datagram_queue *queue);
/// Length of the oldest datagram, 0 if the queue is empty.
size_t mp_datagram_queue_front_length(const mp_datagram_queue *queue);
/// Copies the oldest datagram out and removes it. Returns its length; 0 if the queue is empty;
/// -1 if `capacity` is too small (the datagram is then removed without copying).
long mp_datagram_queue_pop(mp_datagram_queue *queue, void *destination, size_t capacity);
void mp_datagram_queue_clear(mp_datagram_queue *queue);

// MARK: datagram BIO

/// A BIO for DTLS without sockets. Each BIO_write from OpenSSL becomes one outgoing datagram in
/// the BIO's queue; reads deliver the one datagram lent with mp_dgram_bio_set_incoming, whole.
BIO *mp_dgram_bio_new(void);
/// Lends `bytes` (not copied) as the next datagram to read; valid until the next call.
void mp_dgram_bio_set_incoming(BIO *bio, const void *bytes, size_t length);
/// The outgoing datagram queue the BIO owns.
mp_datagram_queue *mp_dgram_bio_outgoing(BIO *bio);

#endif
