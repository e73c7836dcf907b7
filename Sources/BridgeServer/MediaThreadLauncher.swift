#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMediaSocket

/// Starts a detached POSIX thread running `MediaThread.run()`.
///
/// A dedicated thread rather than a Task: the loop blocks in `ppoll`, which must never happen on
/// the cooperative pool, and a fixed OS thread keeps the engine's caches warm.
enum MediaThreadLauncher {
    /// Returns the pthread error code, or 0.
    static func start(_ thread: MediaThread) -> Int32 {
        let context = Unmanaged.passRetained(thread).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var handle = pthread_t()
        let result = pthread_create(&handle, &attributes, { argument in
            guard let argument else { return nil }
            let thread = Unmanaged<MediaThread>.fromOpaque(argument).takeRetainedValue()
            ms_set_thread_name("meetpad-media")
            thread.run()
            return nil
        }, context)
        if result != 0 { Unmanaged<MediaThread>.fromOpaque(context).release() }
        return result
    }
}
