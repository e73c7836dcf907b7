import Bridge
import Primitives
import XMLStream

/// Work the control shells hand to the media thread. Commands are rare (signalling and data
/// channel traffic), so they travel through a locked queue rather than a lock-free ring.
enum MediaCommand: Sendable {
    /// A Colibri2 `<conference-modify>`; the outcome is handed to the closure on the media
    /// thread. Requests run in the order they were posted, which keeps one conference's
    /// requests in order as long as each transport posts them in arrival order.
    case conferenceModify(XMLElement, @Sendable (ColibriOutcome) -> Void)
    /// Graceful shutdown started (false) or was never wanted (true): see
    /// `BridgeEngine.acceptsNewConferences`.
    case acceptNewConferences(Bool)
    /// Public addresses STUN found for the media port, to advertise from now on.
    case advertiseDiscoveredAddresses([PeerAddress])
    /// An SCTP packet from the SCTP stack, to be encrypted into the association's DTLS.
    case sendSCTPPacket([UInt8], SCTPAssociationTag)
    /// A bridge-channel (PPID 51) message received on an association's data channel.
    case bridgeChannelMessage([UInt8], SCTPAssociationTag)
    /// An endpoint's bridge channel opened (or reopened).
    case bridgeChannelOpened(SCTPAssociationTag)
    /// Leave the loop.
    case stop
}

extension MediaCommand {
    /// Traffic a participant's data channel produces, as opposed to the focus's and the shells'.
    var isDataChannelTraffic: Bool {
        switch self {
        case .sendSCTPPacket, .bridgeChannelMessage, .bridgeChannelOpened: true
        case .conferenceModify, .acceptNewConferences, .advertiseDiscoveredAddresses, .stop: false
        }
    }

    var isStop: Bool {
        if case .stop = self { return true }
        return false
    }

    /// Answers a command that will never run (the loop is gone) so its caller does not hang.
    func refuse() {
        if case .conferenceModify(_, let reply) = self { reply(.mediaLoopUnavailable) }
    }
}
