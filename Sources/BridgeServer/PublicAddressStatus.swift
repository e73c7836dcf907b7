public import Primitives
import Synchronization

/// What STUN discovery has learned, shared with HTTP (stats, metrics, health) and presence.
public final class PublicAddressStatus: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// The public addresses of the media port from the latest successful round (the media
        /// port with each mapped IP, as JVB's STUN mapping harvester advertises them).
        public var discovered: [PeerAddress] = []
        /// Rounds finished, and those in which no server answered.
        public var rounds: UInt64 = 0
        public var failedRounds: UInt64 = 0
        /// Datagrams on the discovery socket that were not an answer to a request of ours.
        public var ignoredDatagrams: UInt64 = 0

        public init() {}
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ change: (inout Snapshot) -> Void) { state.withLock { change(&$0) } }
}
