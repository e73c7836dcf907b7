// The test binary's own malloc family: each call bumps a thread-local counter, then forwards
// to glibc's allocator through its exported __libc_* entry points. glibc 2.34 removed
// __malloc_hook, and nothing preloads a counting library for `swift test`, so the interposer
// lives in the executable: the dynamic linker binds every library's malloc to the first
// definition it finds, which is this one. free needs no wrapper: the memory is glibc's.
//
// Linking this into the test binary changes no behaviour beyond one thread-local increment.

#include "malloc_counter.h"

#include <errno.h>
#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define MEETPAD_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MEETPAD_SANITIZED 1
#endif

static __thread uint64_t allocations;

uint64_t meetpad_thread_malloc_count(void) { return allocations; }

#ifdef MEETPAD_SANITIZED

// The sanitizer runtime intercepts malloc itself; a second definition here would hand it
// memory it did not allocate. Counting is off, and tests that need it say so.
bool meetpad_malloc_counting_active(void) { return false; }

#else

bool meetpad_malloc_counting_active(void) { return true; }

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

void *malloc(size_t size) {
    allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    allocations++;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    allocations++;
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    allocations++;
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    allocations++;
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    // POSIX: a power of two that is a multiple of sizeof(void *), checked before allocating.
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    allocations++;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

void *valloc(size_t size) {
    allocations++;
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    allocations++;
    return __libc_pvalloc(size);
}

#endif
