import Synchronization

/// The media thread's inbox: a `Mutex`-guarded array plus an eventfd wake-up.
///
/// Producers append and signal; the media thread, woken by the eventfd, clears it and swaps the
/// whole array out in one lock, so it never holds the lock while working.
final class CommandInbox: Sendable {
    private struct State {
        var commands: [MediaCommand] = []
        var closed = false
    }

    private let state = Mutex(State())
    let wake: WakeSignal

    init() throws(MediaSocketError) { wake = try WakeSignal() }

    /// Queues a command; returns it back if the loop has already stopped.
    func post(_ command: MediaCommand) -> MediaCommand? {
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.commands.append(command)
            return true
        }
        guard accepted else { return command }
        wake.signal()
        return nil
    }

    /// Takes everything queued (media thread). `into` is reused to avoid a fresh array per wake.
    func take(into buffer: inout [MediaCommand]) {
        buffer.removeAll(keepingCapacity: true)
        wake.clear()
        state.withLock { swap(&$0.commands, &buffer) }
    }

    /// Refuses further commands and returns whatever is still queued (media thread, at exit).
    func close() -> [MediaCommand] {
        state.withLock { state in
            state.closed = true
            defer { state.commands = [] }
            return state.commands
        }
    }
}
