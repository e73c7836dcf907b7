#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CNice
public import Primitives

/// One round of STUN Binding requests to the servers that tell a host behind a NAT which
/// address its packets leave with (RFC 8489 §3: no credentials, libnice's bind usage).
///
/// Sans-IO: the owner sends what `nextTransmission` hands out, feeds back what arrives from
/// the servers, and calls again at `nextDeadline`. Every server is asked, so a NAT that maps
/// one socket to different ports per destination shows as differing answers.
public final class PublicAddressProbe {
    /// What one server said.
    public enum Reply: Sendable, Equatable {
        /// A success response: the address the server saw the request come from.
        case mapped(PeerAddress)
        /// An error response, a redirect to another server (not followed), or a response
        /// without a mapped address.
        case refused
        /// Nothing answered before `giveUpMilliseconds`.
        case timedOut
    }

    /// When each transmission of a request goes out, from the start of the round: RFC 8489
    /// §6.2.1's 500 ms RTO doubling per retransmission, shortened to four sends because a
    /// failed round is simply tried again later.
    public static let transmitMilliseconds: [Int64] = [0, 500, 1_500, 3_500]
    /// A request unanswered this long after the round began has timed out (the last RTO, 4 s,
    /// after the last send).
    public static let giveUpMilliseconds: Int64 = 7_500
    /// Large enough for a Binding Request without attributes; libnice adds none here.
    private static let requestCapacity = 64

    /// Comprehension-required attributes a Binding response may carry, zero-terminated
    /// (RFC 3489 servers add SOURCE-ADDRESS and CHANGED-ADDRESS; libnice refuses unknown ones).
    private static let understood: [UInt16] = [
        UInt16(STUN_ATTRIBUTE_MAPPED_ADDRESS.rawValue), UInt16(STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS.rawValue),
        UInt16(STUN_ATTRIBUTE_ERROR_CODE.rawValue), UInt16(STUN_ATTRIBUTE_UNKNOWN_ATTRIBUTES.rawValue),
        UInt16(STUN_ATTRIBUTE_SOURCE_ADDRESS.rawValue), UInt16(STUN_ATTRIBUTE_CHANGED_ADDRESS.rawValue), 0,
    ]

    private struct Query {
        let server: PeerAddress
        let request: [UInt8]
        let transaction: TransactionID
        var transmissions = 0
        var reply: Reply?
    }

    private var queries: [Query] = []
    private let startedAt: Instant
    /// No credentials and no FINGERPRINT: public STUN servers answer plain Binding requests.
    private let libnice = LibniceAgent(understood: PublicAddressProbe.understood, usage: StunAgentUsageFlags(rawValue: 0))

    /// Prepares one request per distinct server; the first transmissions are due at `now`.
    public init(servers: [PeerAddress], now: Instant) {
        startedAt = now
        let agent = libnice.agent, message = libnice.message
        for server in servers where !queries.contains(where: { $0.server == server }) {
            var request = [UInt8](repeating: 0, count: Self.requestCapacity)
            let length = request.withUnsafeMutableBufferPointer { buffer in
                stun_usage_bind_create(agent, message, buffer.baseAddress, buffer.count)
            }
            guard length >= 20 else { continue }
            request.removeSubrange(length...)
            let transaction = request.withUnsafeBytes { TransactionID(header: $0) }
            queries.append(Query(server: server, request: request, transaction: transaction))
        }
    }

    /// Every server's reply so far, in the order the servers were given; nil: still waiting.
    public var replies: [(server: PeerAddress, reply: Reply?)] { queries.map { ($0.server, $0.reply) } }

    /// True once every server answered or timed out.
    public var isFinished: Bool { queries.allSatisfy { $0.reply != nil } }

    /// The next request due at `now`, if any; call until nil. Also retires requests that have
    /// waited `giveUpMilliseconds`.
    public func nextTransmission(now: Instant) -> (server: PeerAddress, datagram: [UInt8])? {
        let elapsed = now.milliseconds(since: startedAt)
        for index in queries.indices where queries[index].reply == nil {
            if elapsed >= Self.giveUpMilliseconds {
                queries[index].reply = .timedOut
                _ = queries[index].transaction.withBytes { stun_agent_forget_transaction(libnice.agent, $0) }
                continue
            }
            let sent = queries[index].transmissions
            guard sent < Self.transmitMilliseconds.count, elapsed >= Self.transmitMilliseconds[sent] else { continue }
            queries[index].transmissions += 1
            return (queries[index].server, queries[index].request)
        }
        return nil
    }

    /// When `nextTransmission` has something to do next, or nil once the round is finished.
    public func nextDeadline() -> Instant? {
        var deadline: Int64?
        for query in queries where query.reply == nil {
            let due = query.transmissions < Self.transmitMilliseconds.count
                ? Self.transmitMilliseconds[query.transmissions] : Self.giveUpMilliseconds
            deadline = min(deadline ?? due, due)
        }
        return deadline.map { startedAt.adding(milliseconds: $0) }
    }

    /// Takes a datagram that arrived from `source`. Only a response to the request sent to
    /// that very address counts (anyone else could claim any mapping); the rest throws.
    public func handle(_ datagram: UnsafeRawBufferPointer, from source: PeerAddress) throws(ICEError) {
        guard let index = queries.firstIndex(where: { $0.server == source && $0.reply == nil }) else {
            throw .unexpectedResponse
        }
        guard datagram.count >= 20, let base = datagram.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .notSTUN
        }
        let message = libnice.message
        switch stun_agent_validate(libnice.agent, message, base, datagram.count, nil, nil) {
        case STUN_VALIDATION_SUCCESS: break
        case STUN_VALIDATION_NOT_STUN: throw .notSTUN
        case STUN_VALIDATION_UNMATCHED_RESPONSE: throw .unexpectedResponse
        case STUN_VALIDATION_UNKNOWN_ATTRIBUTE, STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE: throw .unknownAttribute
        default: throw .malformed
        }
        guard TransactionID(header: datagram) == queries[index].transaction else { throw .unexpectedResponse }
        var mapped = sockaddr_storage()
        var mappedLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var alternate = sockaddr_storage()
        var alternateLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let outcome = withUnsafeMutablePointer(to: &mapped) { mappedPointer in
            withUnsafeMutablePointer(to: &alternate) { alternatePointer in
                mappedPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { mappedAddress in
                    alternatePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { alternateAddress in
                        stun_usage_bind_process(message, mappedAddress, &mappedLength, alternateAddress, &alternateLength)
                    }
                }
            }
        }
        switch outcome {
        case STUN_USAGE_BIND_RETURN_SUCCESS:
            queries[index].reply = PeerAddress(mapped).map(Reply.mapped) ?? .refused
        case STUN_USAGE_BIND_RETURN_INVALID:
            throw .malformed
        default:
            queries[index].reply = .refused
        }
    }
}
