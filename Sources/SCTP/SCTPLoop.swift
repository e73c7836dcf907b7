internal import CUsrsctp
internal import Dispatch
internal import Glibc

/// Everything that happens on the SCTP thread: commands in, usrsctp calls, timer ticks,
/// socket drains, events and packets out. Confined to that thread, hence no locks inside.
final class SCTPLoop {
    /// usrsctp has no "next deadline" API; its own timer thread and mediasoup tick every 10 ms.
    static let tickMilliseconds = 10

    let core: SCTPHubCore
    var associations: [SCTPAssociationID: SCTPAssociation] = [:]
    /// Associations an upcall or an inbound packet marked for `usrsctp_recvv`.
    var readable: [SCTPAssociationID] = []
    /// One `usrsctp_recvv` buffer for all sockets; 64 KiB is usrsctp's partial-delivery point.
    var receiveBuffer = [UInt8](repeating: 0, count: 65_536)

    init(core: SCTPHubCore) { self.core = core }

    /// The thread body: returns after a stop request, with every association torn down.
    func run() {
        USRSCTPStack.attach(self)
        var batch: [SCTPCommand] = []
        var lastTick = DispatchTime.now().uptimeNanoseconds
        var isStopping = false
        while !isStopping {
            if associations.isEmpty {
                core.wake.wait()
            } else {
                _ = core.wake.wait(timeout: .now() + .milliseconds(Self.tickMilliseconds))
            }
            isStopping = core.take(into: &batch)
            for command in batch { execute(command) }
            let now = DispatchTime.now().uptimeNanoseconds
            let elapsed = (now &- lastTick) / 1_000_000
            if elapsed > 0 {
                usrsctp_handle_timers(UInt32(clamping: elapsed))
                lastTick &+= elapsed &* 1_000_000
            }
            drainReadable()
        }
        for association in Array(associations.values) { teardown(association) }
        USRSCTPStack.detach()
        USRSCTPStack.releaseHub()
    }

    func execute(_ command: SCTPCommand) {
        switch command {
        case .openServer(let id): open(id, role: .server)
        case .openClient(let id): open(id, role: .client)
        case .openChannel(let id, let label, let proto): openChannel(id, label: label, protocol: proto)
        case .closeChannel(let id, let stream): closeChannel(id, streamID: stream)
        case .inbound(let id, let packet): receivePacket(id, packet)
        case .send(let id, let ppid, let bytes): enqueueUserMessage(id, ppid: ppid, bytes: bytes)
        case .close(let id): if let association = associations[id] { teardown(association) }
        }
    }

    /// Called from `conn_output`, inside usrsctp: hand the copy on, nothing else.
    func emitOutbound(_ id: SCTPAssociationID, _ packet: [UInt8]) {
        guard associations[id] != nil else { return }
        core.outbound(id, packet)
    }

    /// Called from the upcall, inside usrsctp: remember, drain later.
    func markReadable(_ id: SCTPAssociationID) {
        guard let association = associations[id], !association.isReadPending else { return }
        association.isReadPending = true
        readable.append(id)
    }

    func emit(_ event: SCTPEvent) { core.events(event) }

    // MARK: Association lifetime

    /// Creates the socket: register the address before bind (sctp.md §4), then listen (server)
    /// or connect (client). A server must be listening before the peer's INIT is fed in,
    /// or usrsctp answers it with ABORT (sctp.md §2.4); the FIFO command queue guarantees that.
    private func open(_ id: SCTPAssociationID, role: SCTPAssociation.Role) {
        guard id.rawValue != 0, associations[id] == nil else { return }
        let association = SCTPAssociation(id: id, role: role)
        associations[id] = association
        usrsctp_register_address(id.connAddress)
        guard let socket = usrsctp_socket(AF_CONN, Int32(SOCK_STREAM.rawValue), Int32(IPPROTO_SCTP), nil, nil, 0, nil)
        else { return teardown(association) }
        if role == .server { association.listener = socket } else { association.socket = socket }
        SCTPSocketOptions.configure(socket)
        usrsctp_set_upcall(socket, socketUpcall, id.connAddress)
        let bound = SCTPSocketOptions.withSockaddr(id) { usrsctp_bind(socket, $0, $1) } == 0
        guard bound else { return teardown(association) }
        switch role {
        case .server:
            guard usrsctp_listen(socket, 1) == 0 else { return teardown(association) }
        case .client:
            let result = SCTPSocketOptions.withSockaddr(id) { usrsctp_connect(socket, $0, $1) }
            guard result == 0 || errno == EINPROGRESS else { return teardown(association) }
            SCTPSocketOptions.setPathMTU(socket, id: id)
        }
    }

    /// Server side: takes the established association off the listener. The accepted socket
    /// needs its upcall set again and may already hold data (a DCEP OPEN bundled with
    /// COOKIE-ECHO), so the caller drains it right away.
    func accept(_ association: SCTPAssociation) {
        guard let listener = association.listener, let socket = usrsctp_accept(listener, nil, nil) else { return }
        SCTPSocketOptions.configure(socket)
        usrsctp_set_upcall(socket, socketUpcall, association.id.connAddress)
        SCTPSocketOptions.setPathMTU(socket, id: association.id)
        association.socket = socket
        // One association per endpoint: the listener is not needed any more, and keeping it
        // would let a second INIT create a second association.
        usrsctp_set_upcall(listener, nil, nil)
        usrsctp_close(listener)
        association.listener = nil
        markUp(association)
    }

    func markUp(_ association: SCTPAssociation) {
        guard !association.isUp else { return }
        association.isUp = true
        emit(.associationUp(association.id))
    }

    /// Closes the sockets (SO_LINGER {1,0}: an ABORT goes out through `conn_output` while the
    /// id is still known), forgets the id, then deregisters it, in that order (sctp.md §4).
    func teardown(_ association: SCTPAssociation) {
        let id = association.id
        for socket in [association.socket, association.listener].compactMap({ $0 }) {
            usrsctp_set_upcall(socket, nil, nil)
            usrsctp_close(socket)
        }
        association.socket = nil
        association.listener = nil
        associations[id] = nil
        usrsctp_deregister_address(id.connAddress)
        emit(.associationClosed(id))
    }
}
