import Synchronization

/// The media thread's inbox: a `Mutex`-guarded array plus an eventfd wake-up.
///
/// Producers append and signal; the media thread, woken by the eventfd, clears it and swaps the
/// whole array out in one lock, so it never holds the lock while working.
///
/// Bounded: data-channel traffic (SCTP packets, bridge-channel messages) comes from
/// participants and could otherwise grow the queue without limit while the media thread is
/// busy. It has its own cap, so a participant flooding its data channel can fill only that share
/// and Colibri2 requests still get through; control commands have a cap of their own.
final class CommandInbox: Sendable {
    static let defaultDataCapacity = 8_192
    static let defaultControlCapacity = 4_096

    private struct State {
        var commands: [MediaCommand] = []
        var dataCommands = 0
        var closed = false
        /// Commands refused because their share of the queue was full.
        var refusedWhileFull: UInt64 = 0
    }

    private let state = Mutex(State())
    private let dataCapacity: Int
    private let controlCapacity: Int
    let wake: WakeSignal

    init(dataCapacity: Int = defaultDataCapacity, controlCapacity: Int = defaultControlCapacity) throws(MediaSocketError) {
        self.dataCapacity = dataCapacity
        self.controlCapacity = controlCapacity
        wake = try WakeSignal()
    }

    /// Queues a command; returns it back if the loop has already stopped or the command's share
    /// of the queue is full. `.stop` is always accepted while the loop runs.
    func post(_ command: MediaCommand) -> MediaCommand? {
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            let controlCommands = state.commands.count - state.dataCommands
            if command.isDataChannelTraffic {
                guard state.dataCommands < dataCapacity else {
                    state.refusedWhileFull &+= 1
                    return false
                }
                state.dataCommands += 1
            } else if !command.isStop, controlCommands >= controlCapacity {
                state.refusedWhileFull &+= 1
                return false
            }
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
        state.withLock {
            swap(&$0.commands, &buffer)
            $0.dataCommands = 0
        }
    }

    /// Commands refused so far because the queue was full (for the drop counter).
    var refusedWhileFull: UInt64 { state.withLock { $0.refusedWhileFull } }

    /// Refuses further commands and returns whatever is still queued (media thread, at exit).
    func close() -> [MediaCommand] {
        state.withLock { state in
            state.closed = true
            defer {
                state.commands = []
                state.dataCommands = 0
            }
            return state.commands
        }
    }
}
