internal import CUsrsctp
internal import Glibc

/// The socket options WebRTC stacks set on usrsctp sockets (sctp.md §2.5), in one place.
enum SCTPSocketOptions {
    /// Streams offered in INIT, both directions; matches jicofo's `streams="1024"` sctpmap.
    static let streamCount: UInt16 = 1024
    /// SCTP packet MTU: leaves room for DTLS (≤ 37 bytes with AES-GCM) plus UDP/IPv6 inside 1280.
    static let pathMTU: UInt32 = 1200
    /// `a=max-message-size` browsers advertise, and usrsctp's default send buffer.
    static let maxMessageSize = 262_144

    /// Notifications the receive path understands (or logs); subscribed on every socket.
    static let events: [UInt16] = [
        UInt16(SCTP_ASSOC_CHANGE), UInt16(SCTP_PARTIAL_DELIVERY_EVENT), UInt16(SCTP_REMOTE_ERROR),
        UInt16(SCTP_SHUTDOWN_EVENT), UInt16(SCTP_SEND_FAILED_EVENT), UInt16(SCTP_STREAM_RESET_EVENT),
        UInt16(SCTP_STREAM_CHANGE_EVENT), UInt16(SCTP_ASSOC_RESET_EVENT),
    ]

    /// Applies everything a fresh or accepted socket needs. Accepted sockets inherit most of
    /// these from the listener, but setting them again costs nothing and removes the doubt.
    /// Returns false if usrsctp refused any option.
    @discardableResult
    static func configure(_ socket: OpaquePointer) -> Bool {
        var ok = usrsctp_set_non_blocking(socket, 1) == 0
        // {1, 0}: close() aborts at once instead of a graceful SHUTDOWN that needs more ticks.
        ok = set(socket, level: SOL_SOCKET, name: SO_LINGER, linger(l_onoff: 1, l_linger: 0)) && ok
        let resetFlags = UInt32(SCTP_ENABLE_RESET_STREAM_REQ | SCTP_ENABLE_CHANGE_ASSOC_REQ)
        ok = setSCTP(socket, SCTP_ENABLE_STREAM_RESET,
                     sctp_assoc_value(assoc_id: sctp_assoc_t(SCTP_ALL_ASSOC), assoc_value: resetFlags)) && ok
        ok = setSCTP(socket, SCTP_NODELAY, Int32(1)) && ok
        ok = setSCTP(socket, SCTP_EXPLICIT_EOR, Int32(1)) && ok
        // Without RECVRCVINFO, recvv returns no sctp_rcvinfo and every PPID reads as 0.
        ok = setSCTP(socket, SCTP_RECVRCVINFO, Int32(1)) && ok
        ok = setSCTP(socket, SCTP_INITMSG,
                     sctp_initmsg(sinit_num_ostreams: streamCount, sinit_max_instreams: streamCount,
                                  sinit_max_attempts: 0, sinit_max_init_timeo: 0)) && ok
        for type in events {
            let event = sctp_event(se_assoc_id: sctp_assoc_t(SCTP_ALL_ASSOC), se_type: type, se_on: 1)
            ok = setSCTP(socket, SCTP_EVENT, event) && ok
        }
        return ok
    }

    /// Fixes the path MTU and turns PMTU discovery off: the DTLS layer below cannot report ICMP
    /// "too big", so discovery would only ever probe. Needs an association on the socket.
    @discardableResult
    static func setPathMTU(_ socket: OpaquePointer, id: SCTPAssociationID) -> Bool {
        var params = sctp_paddrparams()
        withUnsafeMutableBytes(of: &params.spp_address) { raw in
            raw.storeBytes(of: connAddress(id), as: sockaddr_conn.self)
        }
        params.spp_pathmtu = pathMTU
        params.spp_flags = UInt32(SPP_PMTUD_DISABLE)
        return setSCTP(socket, SCTP_PEER_ADDR_PARAMS, params)
    }

    /// Asks usrsctp to reset our outgoing side of `streams` (closing channels, RFC 8831 §6.7).
    /// `sctp_reset_streams` ends in a flexible array Swift does not import, so it is built as bytes.
    @discardableResult
    static func resetOutgoingStreams(_ socket: OpaquePointer, _ streams: [UInt16]) -> Bool {
        guard !streams.isEmpty, streams.count <= Int(streamCount) else { return false }
        var buffer = [UInt8](repeating: 0, count: 8 + 2 * streams.count)
        buffer.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: sctp_assoc_t(SCTP_ALL_ASSOC), toByteOffset: 0, as: sctp_assoc_t.self)
            raw.storeBytes(of: UInt16(SCTP_STREAM_RESET_OUTGOING), toByteOffset: 4, as: UInt16.self)
            raw.storeBytes(of: UInt16(streams.count), toByteOffset: 6, as: UInt16.self)
            for (index, stream) in streams.enumerated() {
                raw.storeBytes(of: stream, toByteOffset: 8 + 2 * index, as: UInt16.self)
            }
        }
        return buffer.withUnsafeBytes { raw in
            usrsctp_setsockopt(socket, Int32(IPPROTO_SCTP), SCTP_RESET_STREAMS,
                               raw.baseAddress, socklen_t(raw.count)) == 0
        }
    }

    /// Port 5000 and the id as address: used for bind, connect and the MTU option alike.
    static func connAddress(_ id: SCTPAssociationID) -> sockaddr_conn {
        var address = sockaddr_conn()
        address.sconn_family = UInt16(AF_CONN)
        address.sconn_port = SCTPPacketCheck.webRTCPort.bigEndian
        address.sconn_addr = id.connAddress
        return address
    }

    /// Runs `body` with the AF_CONN address of `id` as a `sockaddr` pointer.
    static func withSockaddr<R>(_ id: SCTPAssociationID, _ body: (UnsafeMutablePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = connAddress(id)
        return withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_conn>.size))
            }
        }
    }

    private static func setSCTP<T>(_ socket: OpaquePointer, _ name: Int32, _ value: T) -> Bool {
        set(socket, level: Int32(IPPROTO_SCTP), name: name, value)
    }

    private static func set<T>(_ socket: OpaquePointer, level: Int32, name: Int32, _ value: T) -> Bool {
        withUnsafeBytes(of: value) { raw in
            usrsctp_setsockopt(socket, level, name, raw.baseAddress, socklen_t(raw.count)) == 0
        }
    }
}
