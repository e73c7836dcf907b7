extension ConferenceModify {
    /// Checks the stateless rules of docs/colibri2.md §2.2–2.3, in JVB's order:
    ///
    /// - relays at all (Octo is not supported), or mixed with endpoints → feature-not-implemented
    /// - more than one endpoint carrying create/media/transport/sources → feature-not-implemented
    /// - endpoint create without `<transport>` → bad-request
    /// - endpoint create without the `source-names` capability → bad-request
    /// - endpoint create with `<sctp>` whose role is not server or port not 5000 → bad-request
    /// - `muc-role="visitor"` with non-empty sources → bad-request
    ///
    /// The SCTP rule applies to creates only, as in JVB: an update's `<sctp>` is ignored.
    public func validate() throws(Colibri2Error) {
        if !relays.isEmpty {
            throw .featureNotImplemented(
                endpoints.isEmpty ? "Relays (Octo) are not supported" : "Mixing endpoints and relays in a request is not supported"
            )
        }
        if endpoints.count(where: \.carriesCreateMediaTransportOrSources) > 1 {
            throw .featureNotImplemented("Only one endpoint with create, media, transport or sources per request is supported")
        }
        for endpoint in endpoints {
            try endpoint.validate()
        }
    }
}

extension EndpointModify {
    /// The per-endpoint part of `ConferenceModify.validate()`.
    func validate() throws(Colibri2Error) {
        if create {
            guard let transport else { throw .badRequest("Attempt to create endpoint \(id) with no <transport>") }
            guard capabilities.contains(Capability.sourceNames) else {
                throw .badRequest("Source name support is mandatory (endpoint \(id))")
            }
            if let sctp = transport.sctp {
                if let role = sctp.role, role != .server { throw .badRequest("Unsupported SCTP role: \(role.rawValue)") }
                if let port = sctp.port, port != SCTPDescription.defaultPort {
                    throw .badRequest("Specific SCTP port requested, not supported.")
                }
            }
        }
        if isVisitor, let sources, !sources.isEmpty {
            throw .badRequest("Attempt to set sources for visitor endpoint \(id)")
        }
    }
}
