import Bridge
import XMLStream

/// Work the control shells hand to the media thread. Commands are rare (signalling and data
/// channel traffic), so they travel through a locked queue rather than a lock-free ring.
enum MediaCommand: Sendable {
    /// A Colibri2 `<conference-modify>`; the outcome resumes the continuation.
    case conferenceModify(XMLElement, CheckedContinuation<ColibriOutcome, Never>)
    /// An SCTP packet from the SCTP stack, to be encrypted into the association's DTLS.
    case sendSCTPPacket([UInt8], SCTPAssociationTag)
    /// A bridge-channel (PPID 51) message received on an association's data channel.
    case bridgeChannelMessage([UInt8], SCTPAssociationTag)
    /// Leave the loop.
    case stop
}

extension MediaCommand {
    /// Answers a command that will never run (the loop is gone) so its caller does not hang.
    func refuse() {
        if case .conferenceModify(_, let reply) = self { reply.resume(returning: .mediaLoopUnavailable) }
    }
}
