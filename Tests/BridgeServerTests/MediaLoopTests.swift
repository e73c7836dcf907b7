import Bridge
@testable import BridgeServer
import Primitives
import Testing

@Suite struct MediaLoopTests {
    @Test func bindsAnEphemeralLoopbackPort() throws {
        let loop = try TestLoop.make()
        #expect(loop.localAddress.isLoopback)
        #expect(loop.localAddress.port != 0)
        #expect(!loop.isHealthy())
    }

    @Test func receivesDatagramsAndStopsCleanly() async throws {
        let loop = try TestLoop.make()
        try loop.start()
        #expect(await TestLoop.eventually { loop.isHealthy() })
        let client = try UDPTestClient()
        // STUN-, DTLS-, RTP-looking, garbage and empty datagrams: the stub engine must take them
        // all without answering or stalling the loop.
        let probes: [[UInt8]] = [
            [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 7, count: 12),
            [22, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 40),
            [0x80, 0x6F, 0, 1] + [UInt8](repeating: 0, count: 200),
            [0xFF],
            [],
        ]
        for _ in 0..<50 {
            for probe in probes { #expect(client.send(probe, to: loop.localAddress)) }
        }
        #expect(client.receive(timeoutMilliseconds: 200) == nil)
        #expect(loop.isHealthy())
        await loop.stop()
        #expect(loop.status.hasExited)
        #expect(!loop.isHealthy())
        #expect(await TestLoop.eventually { (loop.statistics.drops["receive_empty"] ?? 0) == 50 })
    }

    @Test func startsOnlyOnce() async throws {
        let loop = try TestLoop.make()
        try loop.start()
        #expect(throws: MediaLoopError.self) { try loop.start() }
        await loop.stop()
        await loop.stop()
    }

    @Test func stopWithoutStartReturns() async throws {
        let loop = try TestLoop.make()
        await loop.stop()
        #expect(loop.status.hasExited)
        #expect(throws: MediaLoopError.self) { try loop.start() }
    }

    @Test func bindingAPortInUseFails() throws {
        let first = try TestLoop.make()
        #expect(throws: MediaSocketError.self) {
            _ = try MediaLoop(bindAddress: first.localAddress, logger: TestLoop.logger) { bound in
                try BridgeEngine(configuration: BridgeConfiguration(hostAddresses: [bound]))
            }
        }
    }
}
