internal import CUsrsctp
internal import Glibc
internal import Synchronization

/// The pthread that runs `SCTPLoop`; the only thread that ever calls into usrsctp.
final class SCTPThread: Sendable {
    private let handle: Mutex<pthread_t?>

    private init(handle: pthread_t) { self.handle = Mutex(handle) }

    /// Starts the thread. The core travels as a retained pointer the thread takes over.
    static func start(_ core: SCTPHubCore) -> SCTPThread {
        var thread = pthread_t()
        let argument = Unmanaged.passRetained(core).toOpaque()
        let result = pthread_create(&thread, nil, sctpThreadMain, argument)
        // Not input-driven: failing to get one thread at startup leaves nothing sensible to do.
        precondition(result == 0, "SCTP thread could not start: pthread_create returned \(result)")
        return SCTPThread(handle: thread)
    }

    /// Waits for the thread to finish, once. Called from the SCTP thread itself (a callback
    /// shutting the hub down), it detaches instead, since joining oneself deadlocks.
    func join() {
        guard let thread = handle.withLock({ handle in defer { handle = nil }; return handle }) else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }
}

private func sctpThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let core = Unmanaged<SCTPHubCore>.fromOpaque(argument).takeRetainedValue()
    _ = cusrsctp_name_current_thread("SCTP")
    SCTPLoop(core: core).run()
    return nil
}
