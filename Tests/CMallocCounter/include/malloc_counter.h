// A per-thread count of heap allocations, for tests that assert a code path does not allocate.
#pragma once

#include <stdbool.h>
#include <stdint.h>

/// True when this test binary's own malloc family is in place (not under a sanitizer, whose
/// runtime owns malloc), so `meetpad_thread_malloc_count` counts something.
bool meetpad_malloc_counting_active(void);

/// Allocations made by the calling thread so far: malloc, calloc, realloc, posix_memalign,
/// aligned_alloc, memalign, valloc and pvalloc calls. Compare two readings on one thread.
uint64_t meetpad_thread_malloc_count(void);
