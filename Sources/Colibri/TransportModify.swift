public import XMLStream

/// The colibri2-level `<transport>` of an endpoint in a request (docs/colibri2.md §2.1).
public struct TransportModify: Sendable, Equatable {
    /// `ice-controlling`, if given (always true from jicofo for endpoints).
    public var iceControlling: Bool?
    /// `ice-restart="true"`: an in-place ICE restart is asked for (§2.4.4; declining is allowed).
    public var iceRestart: Bool
    /// `use-unique-port="true"` (relays only).
    public var useUniquePort: Bool
    /// The client's ICE-UDP transport, if any.
    public var ice: ICEUDPTransportDescription?
    /// The endpoint's `<sctp>`, present when it wants an SCTP data channel.
    public var sctp: SCTPDescription?

    /// Creates a transport.
    public init(iceControlling: Bool? = nil, iceRestart: Bool = false, useUniquePort: Bool = false,
                ice: ICEUDPTransportDescription? = nil, sctp: SCTPDescription? = nil) {
        self.iceControlling = iceControlling
        self.iceRestart = iceRestart
        self.useUniquePort = useUniquePort
        self.ice = ice
        self.sctp = sctp
    }

    /// Parses the colibri2 `<transport>`.
    public init(element: XMLElement) throws(Colibri2Error) {
        iceControlling = element.attribute("ice-controlling").map { $0.lowercased() == "true" }
        iceRestart = element.flag("ice-restart")
        useUniquePort = element.flag("use-unique-port")
        ice = try element.child("transport", namespace: Colibri2Namespace.iceUDP).map {
            (inner) throws(Colibri2Error) in try ICEUDPTransportDescription(element: inner)
        }
        sctp = try element.child("sctp", namespace: Colibri2Namespace.colibri2).map {
            (inner) throws(Colibri2Error) in try SCTPDescription(element: inner)
        }
    }
}
