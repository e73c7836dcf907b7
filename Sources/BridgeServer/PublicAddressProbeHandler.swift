import ICE
import NIOCore
import Primitives

/// Drives one `PublicAddressProbe` round on the discovery socket's event loop: sends its
/// requests, feeds it what arrives, wakes it at its deadlines, and completes `finished` with
/// every server's reply when the round is over.
final class PublicAddressProbeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    typealias Replies = [(server: PeerAddress, reply: PublicAddressProbe.Reply?)]

    private var context: ChannelHandlerContext?
    private var probe: PublicAddressProbe?
    private var finished: EventLoopPromise<Replies>?
    private var wakeUp: Scheduled<Void>?
    /// Counts datagrams that were not an answer to one of our requests.
    private let ignored: @Sendable () -> Void

    init(ignored: @escaping @Sendable () -> Void) { self.ignored = ignored }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        wakeUp?.cancel()
        finished?.fail(ChannelError.ioOnClosedChannel)
        finished = nil
        self.context = nil
    }

    /// Starts a round (on the event loop); a round still running is abandoned.
    func startRound(servers: [PeerAddress], finished promise: EventLoopPromise<Replies>) {
        wakeUp?.cancel()
        finished?.fail(ChannelError.ioOnClosedChannel)
        probe = PublicAddressProbe(servers: servers, now: MonotonicClock.now())
        finished = promise
        pump()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let probe, let ip = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port,
            let source = PeerAddress(host: ip, port: UInt16(clamping: port))
        else { return ignored() }
        do {
            try envelope.data.withUnsafeReadableBytes { bytes throws(ICEError) in try probe.handle(bytes, from: source) }
        } catch {
            return ignored()
        }
        pump()
    }

    /// Sends what is due, then either finishes the round or sleeps until the next deadline.
    private func pump() {
        guard let context, let probe else { return }
        let now = MonotonicClock.now()
        while let (server, datagram) = probe.nextTransmission(now: now) {
            guard let remote = try? SocketAddress(ipAddress: server.host, port: Int(server.port)) else { continue }
            let envelope = AddressedEnvelope(remoteAddress: remote, data: context.channel.allocator.buffer(bytes: datagram))
            context.write(wrapOutboundOut(envelope), promise: nil)
        }
        context.flush()
        wakeUp?.cancel()
        if probe.isFinished {
            self.probe = nil
            finished?.succeed(probe.replies)
            finished = nil
        } else if let deadline = probe.nextDeadline() {
            let delay = TimeAmount.nanoseconds(Int64(clamping: deadline.nanoseconds(since: now)))
            wakeUp = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in self?.pump() }
        }
    }
}
