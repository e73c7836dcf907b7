import CNice

/// A libnice `StunAgent`, the `StunMessage` it validates into and the attribute list it was
/// initialised with, allocated once at stable addresses: libnice keeps a raw pointer to the
/// list, and a validated message points at its agent. RFC 5389 compatibility throughout.
final class LibniceAgent {
    let agent: UnsafeMutablePointer<StunAgent>
    /// Where `stun_agent_validate` describes the message it last accepted.
    let message: UnsafeMutablePointer<StunMessage>
    private let knownAttributes: UnsafeMutablePointer<UInt16>

    /// `understood`: the comprehension-required attributes accepted, zero-terminated.
    init(understood: [UInt16], usage: StunAgentUsageFlags) {
        agent = .allocate(capacity: 1)
        agent.initialize(to: StunAgent())
        message = .allocate(capacity: 1)
        message.initialize(to: StunMessage())
        knownAttributes = .allocate(capacity: understood.count)
        knownAttributes.initialize(from: understood, count: understood.count)
        stun_agent_init(agent, knownAttributes, STUN_COMPATIBILITY_RFC5389, usage)
    }

    deinit {
        agent.deallocate()
        message.deallocate()
        knownAttributes.deallocate()
    }
}
