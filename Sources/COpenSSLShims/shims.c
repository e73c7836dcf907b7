#include "shims.h"

#include <openssl/bio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// MARK: macro wrappers

long mp_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }

int mp_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int mp_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

void mp_ssl_ctx_disable_session_cache(SSL_CTX *ctx) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

int mp_dtls_get_timeout_us(SSL *ssl, uint64_t *remaining_us) {
    struct timeval tv = {0, 0};
    if (DTLSv1_get_timeout(ssl, &tv) != 1) return 0;
    *remaining_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
    return 1;
}

int mp_dtls_handle_timeout(SSL *ssl) { return (int)DTLSv1_handle_timeout(ssl); }

// The initial timeout travels in an ex_data slot because DTLS_timer_cb has no user pointer.
static int timer_index = -1;
static pthread_once_t timer_index_once = PTHREAD_ONCE_INIT;

static void make_timer_index(void) { timer_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL); }

static unsigned int timer_callback(SSL *ssl, unsigned int previous_us) {
    if (previous_us == 0) {
        uintptr_t initial = (uintptr_t)SSL_get_ex_data(ssl, timer_index);
        return initial == 0 ? 1000000u : (unsigned int)initial;
    }
    unsigned long long doubled = (unsigned long long)previous_us * 2u;
    return doubled > 60000000u ? 60000000u : (unsigned int)doubled;
}

void mp_dtls_set_initial_timeout(SSL *ssl, unsigned int initial_us) {
    pthread_once(&timer_index_once, make_timer_index);
    if (timer_index < 0) return;
    SSL_set_ex_data(ssl, timer_index, (void *)(uintptr_t)initial_us);
    DTLS_set_timer_cb(ssl, timer_callback);
}

// MARK: datagram queue

struct mp_datagram_queue {
    unsigned char *bytes;
    size_t byte_capacity;
    size_t byte_used;
    size_t *lengths;
    size_t length_capacity;
    size_t head;        // index of the oldest datagram
    size_t head_offset; // its byte offset
    size_t tail;        // number of datagrams pushed since the last reset
};

mp_datagram_queue *mp_datagram_queue_new(void) { return calloc(1, sizeof(mp_datagram_queue)); }

void mp_datagram_queue_free(mp_datagram_queue *queue) {
    if (queue == NULL) return;
    free(queue->bytes);
    free(queue->lengths);
    free(queue);
}

void mp_datagram_queue_clear(mp_datagram_queue *queue) {
    queue->byte_used = 0;
    queue->head = 0;
    queue->head_offset = 0;
    queue->tail = 0;
}

// Room for at most `length` bytes at the tail, finished by commit; NULL if memory ran out.
static void *mp_datagram_queue_reserve(mp_datagram_queue *queue, size_t length) {
    if (queue->head == queue->tail) mp_datagram_queue_clear(queue);
    if (queue->byte_capacity - queue->byte_used < length) {
        size_t wanted = queue->byte_capacity ? queue->byte_capacity : 4096;
        while (wanted - queue->byte_used < length) wanted *= 2;
        unsigned char *grown = realloc(queue->bytes, wanted);
        if (grown == NULL) return NULL;
        queue->bytes = grown;
        queue->byte_capacity = wanted;
    }
    if (queue->tail == queue->length_capacity) {
        size_t wanted = queue->length_capacity ? queue->length_capacity * 2 : 16;
        size_t *grown = realloc(queue->lengths, wanted * sizeof(size_t));
        if (grown == NULL) return NULL;
        queue->lengths = grown;
        queue->length_capacity = wanted;
    }
    return queue->bytes + queue->byte_used;
}

static void mp_datagram_queue_commit(mp_datagram_queue *queue, size_t length) {
    if (length == 0) return;
    queue->lengths[queue->tail++] = length;
    queue->byte_used += length;
}

int mp_datagram_queue_push(mp_datagram_queue *queue, const void *bytes, size_t length) {
    if (length == 0) return 1;
    void *room = mp_datagram_queue_reserve(queue, length);
    if (room == NULL) return 0;
    memcpy(room, bytes, length);
    mp_datagram_queue_commit(queue, length);
    return 1;
}

size_t mp_datagram_queue_count(const mp_datagram_queue *queue) { return queue->tail - queue->head; }

size_t mp_datagram_queue_front_length(const mp_datagram_queue *queue) {
    return queue->head == queue->tail ? 0 : queue->lengths[queue->head];
}

long mp_datagram_queue_pop(mp_datagram_queue *queue, void *destination, size_t capacity) {
    if (queue->head == queue->tail) return 0;
    size_t length = queue->lengths[queue->head];
    long result = -1;
    if (length <= capacity) {
        memcpy(destination, queue->bytes + queue->head_offset, length);
        result = (long)length;
    }
    queue->head_offset += length;
    queue->head += 1;
    if (queue->head == queue->tail) mp_datagram_queue_clear(queue);
    return result;
}

// MARK: datagram BIO

typedef struct {
    mp_datagram_queue *outgoing;
    const unsigned char *incoming;
    size_t incoming_length;
} dgram_bio_state;

static int dgram_bio_write(BIO *bio, const char *bytes, int length) {
    BIO_clear_retry_flags(bio);
    dgram_bio_state *state = BIO_get_data(bio);
    if (state == NULL || length < 0) return -1;
    if (!mp_datagram_queue_push(state->outgoing, bytes, (size_t)length)) return -1;
    return length;
}

// DTLS reads one whole datagram per BIO_read (ssl3_read_n relies on it); a datagram larger
// than the buffer is truncated, as recvfrom would do.
static int dgram_bio_read(BIO *bio, char *buffer, int capacity) {
    BIO_clear_retry_flags(bio);
    dgram_bio_state *state = BIO_get_data(bio);
    if (state == NULL || capacity < 0) return -1;
    if (state->incoming == NULL) {
        BIO_set_retry_read(bio);
        return -1;
    }
    size_t length = state->incoming_length < (size_t)capacity ? state->incoming_length : (size_t)capacity;
    memcpy(buffer, state->incoming, length);
    state->incoming = NULL;
    state->incoming_length = 0;
    return (int)length;
}

static long dgram_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)number;
    (void)pointer;
    dgram_bio_state *state = BIO_get_data(bio);
    switch (command) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return state && state->incoming ? (long)state->incoming_length : 0;
    case BIO_CTRL_WPENDING:
        return 0;
    default:
        // Peer addresses, MTU queries (off via SSL_OP_NO_QUERY_MTU), socket timeouts: not ours.
        return 0;
    }
}

static int dgram_bio_create(BIO *bio) {
    dgram_bio_state *state = calloc(1, sizeof(dgram_bio_state));
    if (state == NULL) return 0;
    state->outgoing = mp_datagram_queue_new();
    if (state->outgoing == NULL) {
        free(state);
        return 0;
    }
    BIO_set_data(bio, state);
    BIO_set_init(bio, 1);
    return 1;
}

static int dgram_bio_destroy(BIO *bio) {
    dgram_bio_state *state = BIO_get_data(bio);
    if (state != NULL) {
        mp_datagram_queue_free(state->outgoing);
        free(state);
    }
    BIO_set_data(bio, NULL);
    BIO_set_init(bio, 0);
    return 1;
}

static BIO_METHOD *dgram_method = NULL;
static pthread_once_t dgram_method_once = PTHREAD_ONCE_INIT;

static void make_dgram_method(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "meetpad datagram");
    if (method == NULL) return;
    BIO_meth_set_write(method, dgram_bio_write);
    BIO_meth_set_read(method, dgram_bio_read);
    BIO_meth_set_ctrl(method, dgram_bio_ctrl);
    BIO_meth_set_create(method, dgram_bio_create);
    BIO_meth_set_destroy(method, dgram_bio_destroy);
    dgram_method = method;
}

BIO *mp_dgram_bio_new(void) {
    pthread_once(&dgram_method_once, make_dgram_method);
    if (dgram_method == NULL) return NULL;
    return BIO_new(dgram_method);
}

void mp_dgram_bio_set_incoming(BIO *bio, const void *bytes, size_t length) {
    dgram_bio_state *state = BIO_get_data(bio);
    if (state == NULL) return;
    state->incoming = bytes;
    state->incoming_length = length;
}

mp_datagram_queue *mp_dgram_bio_outgoing(BIO *bio) {
    dgram_bio_state *state = BIO_get_data(bio);
    return state ? state->outgoing : NULL;
}
