internal import CUsrsctp

/// State of one association, owned by `SCTPLoop` and touched only on the SCTP thread.
final class SCTPAssociation {
    /// Server waits for the peer's INIT (the bridge); client sends INIT (tests, load harness).
    enum Role { case server, client }

    let id: SCTPAssociationID
    let role: Role
    /// Server side until the association is accepted; closed right after `usrsctp_accept`.
    var listener: OpaquePointer?
    /// The connected one-to-one socket (client: from the start; server: from accept).
    var socket: OpaquePointer?
    var isUp = false
    /// Set by a terminal ASSOC_CHANGE; the loop tears the association down after draining.
    var isDead = false
    /// Whether the upcall asked for a drain that has not happened yet.
    var isReadPending = false

    var channels: [UInt16: DataChannel] = [:]
    /// The first channel that opened and is still open: where `send(_:text:)` goes.
    var primaryStream: UInt16?
    /// RFC 8832 §6: the DTLS client uses even stream ids, the server odd ones.
    var nextStreamID: UInt16

    /// Send order: `inProgress` (a message usrsctp has only partly accepted) first, then DCEP
    /// control messages, then user messages. Control jumps the user queue so that user data
    /// waiting for a channel can never block the OPEN or ACK that would open one.
    var inProgress: OutgoingMessage?
    var pendingControl: [OutgoingMessage] = []
    var pending: [OutgoingMessage] = []
    var pendingBytes = 0

    /// Parts of a message delivered without MSG_EOR (partial delivery above 64 KiB).
    var reassembly: [UInt8] = []
    /// Set once a message outgrew the limit: its remaining parts are discarded up to MSG_EOR.
    var isDiscardingMessage = false

    init(id: SCTPAssociationID, role: Role) {
        self.id = id
        self.role = role
        self.nextStreamID = role == .client ? 0 : 1
    }

    /// Picks the next free stream id of our parity, or nil when all 512 are taken.
    func allocateStreamID() -> UInt16? {
        for _ in 0..<512 {
            let candidate = nextStreamID
            nextStreamID = nextStreamID &+ 2
            if nextStreamID >= SCTPSocketOptions.streamCount { nextStreamID = role == .client ? 0 : 1 }
            if channels[candidate] == nil { return candidate }
        }
        return nil
    }

    /// Makes `streamID` the primary channel unless one is already open.
    func adoptPrimary(_ streamID: UInt16) {
        if primaryStream == nil { primaryStream = streamID }
    }

    /// Forgets a channel; if it was primary, falls back to the lowest open stream.
    func removeChannel(_ streamID: UInt16) {
        channels[streamID] = nil
        guard primaryStream == streamID else { return }
        primaryStream = channels.filter { $0.value.state == .open }.keys.min()
    }
}
