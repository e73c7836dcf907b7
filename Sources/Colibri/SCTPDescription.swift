public import XMLStream

/// The colibri2 `<sctp [port] [role]/>`: in a request, the endpoint wants an SCTP data
/// channel; in a response, the bridge's port and role.
public struct SCTPDescription: Sendable, Equatable {
    /// Which side initiates the SCTP association.
    public enum Role: String, Sendable {
        case client
        case server
    }

    /// The SCTP port every WebRTC client uses (RFC 8841; JVB's `DEFAULT_SCTP_PORT`).
    public static let defaultPort: UInt16 = 5000

    /// The requested or granted port.
    public var port: UInt16?
    /// The requested or granted role.
    public var role: Role?

    /// Creates a description.
    public init(port: UInt16? = nil, role: Role? = nil) {
        self.port = port
        self.role = role
    }

    /// What the bridge answers for every endpoint that asked for SCTP: port 5000, server.
    public static let bridgeServer = SCTPDescription(port: defaultPort, role: .server)

    /// Parses `<sctp>`; bad-request for an unparsable port or an unknown role.
    public init(element: XMLElement) throws(Colibri2Error) {
        port = try element.integer("port")
        if let text = element.attribute("role") {
            guard let role = Role(rawValue: text.lowercased()) else { throw .badRequest("Invalid SCTP role \"\(text.prefix(32))\"") }
            self.role = role
        }
    }

    /// The `<sctp>` element (colibri2 namespace).
    public func element() -> XMLElement {
        var sctp = XMLElement("sctp", namespace: Colibri2Namespace.colibri2)
        sctp.setAttribute("port", port.map { String($0) })
        sctp.setAttribute("role", role?.rawValue)
        return sctp
    }
}
