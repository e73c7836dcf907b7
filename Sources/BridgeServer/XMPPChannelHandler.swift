import NIOCore
import NIOTLS

/// The pipeline end of one XMPP TCP connection: forwards bytes, TLS completion and closure to
/// its shard, tagged with the connection's generation so a late callback from an old
/// connection cannot touch the new one.
final class XMPPChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let shard: XMPPShard
    private let generation: Int

    init(shard: XMPPShard, generation: Int) {
        self.shard = shard
        self.generation = generation
    }

    func channelActive(context: ChannelHandlerContext) {
        shard.connectionActive(context.channel, generation: generation)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        shard.received(bytes, generation: generation)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            shard.tlsEstablished(generation: generation)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        shard.connectionInactive(generation: generation)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures (a certificate that does not verify) and resets end up here.
        shard.connectionError(error, generation: generation)
        context.close(promise: nil)
    }
}
