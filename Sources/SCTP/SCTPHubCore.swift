internal import Dispatch
internal import Synchronization

/// What the public hub and its SCTP thread share: the command queue, the wake-up signal,
/// the counters and the two user callbacks.
final class SCTPHubCore: Sendable {
    struct Queue {
        var commands: [SCTPCommand] = []
        /// True between the first enqueue after a drain and the next drain: one signal per batch,
        /// so a burst of enqueues costs one wake-up, not one each.
        var isWakePending = false
        var isStopping = false
    }

    /// Commands beyond this are dropped (and counted) rather than growing without bound
    /// when the SCTP thread falls behind.
    static let maxQueuedCommands = 65_536

    let queue = Mutex(Queue())
    let wake = DispatchSemaphore(value: 0)
    let counters = SCTPCounterCells()
    let outbound: @Sendable (SCTPAssociationID, [UInt8]) -> Void
    let events: @Sendable (SCTPEvent) -> Void

    init(outbound: @escaping @Sendable (SCTPAssociationID, [UInt8]) -> Void,
         events: @escaping @Sendable (SCTPEvent) -> Void) {
        self.outbound = outbound
        self.events = events
    }

    /// Appends a command; never blocks beyond the queue mutex, never calls usrsctp.
    func enqueue(_ command: SCTPCommand) {
        let shouldSignal = queue.withLock { queue -> Bool in
            guard !queue.isStopping else { return false }
            guard queue.commands.count < Self.maxQueuedCommands else {
                SCTPCounterCells.bump(counters.droppedCommands)
                return false
            }
            queue.commands.append(command)
            guard !queue.isWakePending else { return false }
            queue.isWakePending = true
            return true
        }
        if shouldSignal { wake.signal() }
    }

    /// Makes the loop tear everything down and exit after its current batch.
    func requestStop() {
        queue.withLock { $0.isStopping = true }
        wake.signal()
    }

    /// Swaps the queued commands into `batch` (emptied first, capacity kept); returns whether
    /// the loop should stop after running them.
    func take(into batch: inout [SCTPCommand]) -> Bool {
        batch.removeAll(keepingCapacity: true)
        return queue.withLock { queue in
            swap(&batch, &queue.commands)
            queue.isWakePending = false
            return queue.isStopping
        }
    }
}
