#include <usrsctp.h>
#include <pthread.h>

/* glibc declares pthread_setname_np only under _GNU_SOURCE, which a Swift system module cannot
   set for <pthread.h>. Names the calling thread ("SCTP") for top -H, gdb and perf. */
static inline int cusrsctp_name_current_thread(const char *name) {
    extern int pthread_setname_np(pthread_t thread, const char *name);
    return pthread_setname_np(pthread_self(), name);
}
