internal import CUsrsctp
internal import Synchronization

/// The process-wide usrsctp instance and the C callbacks that route into the running hub.
///
/// usrsctp keeps all state in globals (`system_base_info`, one callout list), so a process has
/// one stack. It is initialised by the first hub's thread and never finished: `usrsctp_finish`
/// fails while teardown timers are pending (libwebrtc retried it for 3 s) and re-initialising
/// afterwards is undefined. Later hubs reuse the stack; only one hub may run at a time.
enum USRSCTPStack {
    private struct State {
        var isInitialised = false
        var isHubRunning = false
    }

    private static let state = Mutex(State())

    /// The running hub's loop. Written by the SCTP thread at start and stop; read only by the C
    /// callbacks, which in no-threads mode run synchronously on that same thread (sctp.md §2.1).
    nonisolated(unsafe) static var currentLoop: SCTPLoop?

    /// Takes the single hub slot; false if another hub is running.
    static func claimHub() -> Bool {
        state.withLock { state in
            guard !state.isHubRunning else { return false }
            state.isHubRunning = true
            return true
        }
    }

    /// Gives the hub slot back (after the hub's thread has detached).
    static func releaseHub() {
        state.withLock { $0.isHubRunning = false }
    }

    /// Called first thing on the SCTP thread: initialises usrsctp once per process.
    static func attach(_ loop: SCTPLoop) {
        let needsInit = state.withLock { state in
            defer { state.isInitialised = true }
            return !state.isInitialised
        }
        if needsInit {
            // Port 0: no UDP encapsulation. nil debug printer: Swift cannot write a C variadic.
            usrsctp_init_nothreads(0, connOutput, nil)
            // Smaller attack surface and what every WebRTC stack does: no ECN (DTLS hides the
            // IP header anyway), no ASCONF (needs AUTH; AF_CONN has no addresses to change),
            // no AUTH (RFC 8831 does not use it). ASCONF must go before AUTH.
            usrsctp_sysctl_set_sctp_ecn_enable(0)
            usrsctp_sysctl_set_sctp_asconf_enable(0)
            usrsctp_sysctl_set_sctp_auth_enable(0)
            // PR-SCTP (partially reliable channels) and RE-CONFIG (channel close) stay on.
        }
        currentLoop = loop
    }

    /// Called last thing on the SCTP thread; later stale callbacks find no loop and drop.
    static func detach() {
        currentLoop = nil
    }
}

/// usrsctp's output hook. Runs inside usrsctp calls with socket/TCB locks held, so it only
/// copies the packet and hands it on; re-entering usrsctp here deadlocks (sctp.md §2.4).
/// usrsctp frees `buffer` after we return.
private func connOutput(
    _ address: UnsafeMutableRawPointer?, _ buffer: UnsafeMutableRawPointer?, _ length: Int, _ tos: UInt8,
    _ setDF: UInt8
) -> Int32 {
    guard let buffer, length > 0, let loop = USRSCTPStack.currentLoop else { return 0 }
    let packet = [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
    loop.emitOutbound(SCTPAssociationID(connAddress: address), packet)
    return 0
}

/// Socket upcall: the argument is the association id, never a pointer. Only marks the
/// association for draining; the loop calls `usrsctp_recvv` after the outer call returns.
func socketUpcall(_ socket: OpaquePointer?, _ argument: UnsafeMutableRawPointer?, _ flags: Int32) {
    USRSCTPStack.currentLoop?.markReadable(SCTPAssociationID(connAddress: argument))
}
