#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CNice
import Primitives

/// libnice's `StunAgent` with everything it points to, kept at stable addresses.
///
/// libnice keeps raw pointers: the agent to its known-attributes list, each saved transaction
/// to the MESSAGE-INTEGRITY key it was signed with, each `StunMessage` to its agent. So all of
/// it lives in memory allocated once here, and the remote password the ICE agent signs with
/// lives in `ICEAgent`'s own stable buffer. Nothing in here allocates after `init`.
///
/// Messages are RFC 5389 with short-term credentials: MESSAGE-INTEGRITY and FINGERPRINT are
/// required on everything we accept (RFC 8445 §7.2.2).
final class STUNContext {
    /// What `validate` found acceptable.
    enum Validated {
        /// A request, indication or response that passed every check; `message` describes it.
        case valid(StunClass)
        /// An authenticated request with a comprehension-required attribute we do not know;
        /// answer it with `writeUnknownAttributesError`.
        case unknownRequestAttribute
    }

    /// What a validated response to one of our checks says.
    enum ResponseOutcome {
        case success(mapped: PeerAddress)
        case roleConflict
        case failure
    }

    /// Comprehension-required attributes we understand, zero-terminated (libnice rejects
    /// messages carrying any other type in 0x0000–0x7FFF with "unknown attribute").
    private static let understood: [UInt16] = [
        UInt16(STUN_ATTRIBUTE_MAPPED_ADDRESS.rawValue), UInt16(STUN_ATTRIBUTE_USERNAME.rawValue),
        UInt16(STUN_ATTRIBUTE_MESSAGE_INTEGRITY.rawValue), UInt16(STUN_ATTRIBUTE_ERROR_CODE.rawValue),
        UInt16(STUN_ATTRIBUTE_UNKNOWN_ATTRIBUTES.rawValue), UInt16(STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS.rawValue),
        UInt16(STUN_ATTRIBUTE_PRIORITY.rawValue), UInt16(STUN_ATTRIBUTE_USE_CANDIDATE.rawValue),
        UInt16(STUN_ATTRIBUTE_FINGERPRINT.rawValue), UInt16(STUN_ATTRIBUTE_ICE_CONTROLLED.rawValue),
        UInt16(STUN_ATTRIBUTE_ICE_CONTROLLING.rawValue), 0,
    ]

    private let libnice: LibniceAgent
    var agent: UnsafeMutablePointer<StunAgent> { libnice.agent }
    /// The message last accepted by `validate`; its buffer is borrowed from the caller's datagram
    /// and only valid until that call returns.
    var message: UnsafeMutablePointer<StunMessage> { libnice.message }
    private let outgoing: UnsafeMutablePointer<StunMessage>
    private let validaterData: UnsafeMutablePointer<StunDefaultValidaterData>
    /// The key that authenticates requests sent to us.
    private let localPassword: UnsafeMutableRawBufferPointer

    init(localPassword password: String) {
        let flags = STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS.rawValue | STUN_AGENT_USAGE_USE_FINGERPRINT.rawValue
        libnice = LibniceAgent(understood: Self.understood, usage: StunAgentUsageFlags(rawValue: flags))
        outgoing = .allocate(capacity: 1)
        outgoing.initialize(to: StunMessage())
        validaterData = .allocate(capacity: 2)
        validaterData.initialize(repeating: StunDefaultValidaterData(), count: 2)
        localPassword = StableBytes.copy(password)
    }

    deinit {
        outgoing.deallocate()
        validaterData.deallocate()
        localPassword.deallocate()
    }

    /// Runs `stun_agent_validate` with the default validater, offering `username` (a range of
    /// `datagram`, already checked by the caller) with our password. Responses are matched
    /// against our outstanding transactions and checked with the key they were sent with.
    func validate(_ datagram: UnsafeRawBufferPointer, username: Range<Int>?) throws(ICEError) -> Validated {
        guard let base = datagram.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .notSTUN }
        if let username {
            validaterData[0].username = UnsafeMutablePointer(mutating: base + username.lowerBound)
            validaterData[0].username_len = username.count
            validaterData[0].password = localPassword.baseAddress?.assumingMemoryBound(to: UInt8.self)
            validaterData[0].password_len = localPassword.count
        } else {
            validaterData[0] = StunDefaultValidaterData()
        }
        let status = stun_agent_validate(
            agent, message, base, datagram.count, stun_agent_default_validater, validaterData)
        validaterData[0] = StunDefaultValidaterData()
        switch status {
        case STUN_VALIDATION_SUCCESS: return .valid(stun_message_get_class(message))
        case STUN_VALIDATION_NOT_STUN: throw .notSTUN
        case STUN_VALIDATION_INCOMPLETE_STUN: throw .malformed
        // The caller checked the magic cookie, so libnice's only other reason is FINGERPRINT.
        case STUN_VALIDATION_BAD_REQUEST: throw .badFingerprint
        case STUN_VALIDATION_UNAUTHORIZED, STUN_VALIDATION_UNAUTHORIZED_BAD_REQUEST: throw .unauthorized
        case STUN_VALIDATION_UNMATCHED_RESPONSE: throw .unexpectedResponse
        case STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE: return .unknownRequestAttribute
        case STUN_VALIDATION_UNKNOWN_ATTRIBUTE: throw .unknownAttribute
        default: throw .malformed
        }
    }

    /// The transaction ID of the validated message.
    var messageTransaction: TransactionID {
        TransactionID(header: UnsafeRawBufferPointer(start: message.pointee.buffer, count: 20))
    }

    /// PRIORITY of the validated request, or nil if it has none.
    var messagePriority: UInt32? {
        var value: UInt32 = 0
        guard stun_message_find32(message, STUN_ATTRIBUTE_PRIORITY, &value) == STUN_MESSAGE_RETURN_SUCCESS else {
            return nil
        }
        return value
    }

    /// Whether the validated request carries USE-CANDIDATE.
    var messageUsesCandidate: Bool { stun_usage_ice_conncheck_use_candidate(message) }

    /// Builds a connectivity check into `buffer`; returns its length, or 0 if it did not fit or
    /// libnice's 200 saved transactions are in use. `password` must stay where it is until the
    /// transaction is answered or forgotten: libnice keeps the pointer to check the response.
    func writeRequest(
        into buffer: UnsafeMutableRawBufferPointer, username: UnsafeRawBufferPointer,
        password: UnsafeRawBufferPointer, useCandidate: Bool, controlling: Bool, priority: UInt32, tieBreaker: UInt64
    ) -> Int {
        guard let out = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let user = username.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let key = password.baseAddress?.assumingMemoryBound(to: UInt8.self)
        else { return 0 }
        // Argument order trap: (…, cand_use, controlling, priority, tie, candidate_identifier, compat).
        return stun_usage_ice_conncheck_create(
            agent, outgoing, out, buffer.count, user, username.count, key, password.count,
            useCandidate, controlling, priority, tieBreaker, nil, STUN_USAGE_ICE_COMPATIBILITY_RFC5245)
    }

    /// Builds the answer to the validated request into `slot`: a success response with
    /// XOR-MAPPED-ADDRESS = `source`, or a 487/400 error. libnice resolves role conflicts
    /// (RFC 8445 §7.3.1.1) and flips `controlling` if we must switch. Returns libnice's verdict
    /// and the length written (0: nothing to send).
    func writeReply(
        into slot: UnsafeMutableRawBufferPointer, to source: PeerAddress, controlling: inout Bool, tieBreaker: UInt64
    ) -> (StunUsageIceReturn, Int) {
        guard let out = slot.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (STUN_USAGE_ICE_RETURN_ERROR, 0) }
        var storage = sockaddr_storage()
        let storageLength = source.write(to: &storage)
        var length = slot.count
        let verdict = stun_usage_ice_conncheck_create_reply(
            agent, message, outgoing, out, &length, &storage, storageLength, &controlling, tieBreaker,
            STUN_USAGE_ICE_COMPATIBILITY_RFC5245)
        return (verdict, length)
    }

    /// Builds a 420 listing the validated request's unknown attributes; returns its length.
    func writeUnknownAttributesError(into slot: UnsafeMutableRawBufferPointer) -> Int {
        guard let out = slot.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return stun_agent_build_unknown_attributes_error(agent, outgoing, out, slot.count, message)
    }

    /// Reads the validated response: the mapped address of a success, or the error class.
    func readResponse() throws(ICEError) -> ResponseOutcome {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        switch stun_usage_ice_conncheck_process(message, &storage, &length, STUN_USAGE_ICE_COMPATIBILITY_RFC5245) {
        case STUN_USAGE_ICE_RETURN_SUCCESS:
            guard let mapped = PeerAddress(storage) else { throw .malformed }
            return .success(mapped: mapped)
        case STUN_USAGE_ICE_RETURN_ROLE_CONFLICT: return .roleConflict
        case STUN_USAGE_ICE_RETURN_ERROR: return .failure
        default: throw .malformed
        }
    }

    /// Drops an outstanding transaction so libnice's table of 200 does not fill up.
    func forget(_ transaction: TransactionID) {
        _ = transaction.withBytes { stun_agent_forget_transaction(agent, $0) }
    }

    /// Registers a transaction as if we had sent it, signed with `key` (which must stay put);
    /// for validating responses whose request we did not build, such as the RFC 5769 vectors.
    func expect(_ transaction: TransactionID, method: StunMethod = STUN_BINDING, key: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &agent.pointee.sent_ids) { raw in
            let slots = raw.bindMemory(to: StunAgentSavedIds.self)
            guard let free = slots.firstIndex(where: { !$0.valid }) else { return }
            var saved = StunAgentSavedIds()
            transaction.withBytes { id in
                withUnsafeMutableBytes(of: &saved.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: id, count: 16)) }
            }
            saved.method = method
            saved.key = UnsafeMutablePointer(mutating: key.baseAddress?.assumingMemoryBound(to: UInt8.self))
            saved.key_len = key.count
            saved.valid = true
            slots[free] = saved
        }
    }
}
