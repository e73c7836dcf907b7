import CMediaSocket

/// An eventfd that wakes the media thread's poll when a command is queued for it.
final class WakeSignal: Sendable {
    let descriptor: Int32

    init() throws(MediaSocketError) {
        let fd = ms_eventfd_create()
        guard fd >= 0 else { throw .eventFDFailed(errno: -fd) }
        descriptor = fd
    }

    deinit { ms_close(descriptor) }

    /// Wakes the waiter (any thread).
    func signal() { ms_eventfd_signal(descriptor) }

    /// Re-arms after a wake-up (media thread, before taking the queued commands).
    func clear() { ms_eventfd_clear(descriptor) }
}
