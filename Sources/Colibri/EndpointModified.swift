public import XMLStream

/// One `<endpoint>` of a `<conference-modified>` (docs/colibri2.md §2.4).
public struct EndpointModified: Sendable, Equatable {
    /// The endpoint id, echoed from the request.
    public var id: String
    /// Echo `expire="true"` for an expired endpoint.
    public var expire: Bool
    /// The bridge's ICE-UDP transport: on create, and for a started ICE restart.
    public var transport: ICEUDPTransportDescription?
    /// The granted SCTP (`SCTPDescription.bridgeServer`) when the create asked for it.
    /// jicofo fails the allocation if it asked for SCTP and this is missing.
    public var sctp: SCTPDescription?

    /// Creates an endpoint response.
    public init(id: String, expire: Bool = false, transport: ICEUDPTransportDescription? = nil, sctp: SCTPDescription? = nil) {
        self.id = id
        self.expire = expire
        self.transport = transport
        self.sctp = sctp
    }

    /// The `<endpoint id [expire]>` element; the transport and SCTP go inside one colibri2
    /// `<transport>`, as in example 2.6 (a).
    public func element() -> XMLElement {
        var endpoint = XMLElement("endpoint", namespace: Colibri2Namespace.colibri2, attributes: [("id", id)])
        if expire { endpoint.setAttribute("expire", "true") }
        if transport != nil || sctp != nil {
            var wrapper = XMLElement("transport", namespace: Colibri2Namespace.colibri2)
            if let transport { wrapper.children.append(transport.element()) }
            if let sctp { wrapper.children.append(sctp.element()) }
            endpoint.children.append(wrapper)
        }
        return endpoint
    }
}
