import Bridge
@testable import BridgeServer
import Logging
import Primitives
import Testing

/// A media loop with the real engine type, bound to an ephemeral loopback port.
enum TestLoop {
    static let logger = Logger(label: "meetpad-bridge-tests")

    static func make() throws -> MediaLoop {
        let bind = try #require(PeerAddress(host: "127.0.0.1", port: 0))
        return try MediaLoop(bindAddress: bind, logger: logger) { bound in
            try BridgeEngine(configuration: BridgeConfiguration(hostAddresses: [bound]))
        }
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func eventually(seconds: Double = 2, _ condition: () -> Bool) async -> Bool {
        let tries = Int(seconds * 100)
        for _ in 0..<tries {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
