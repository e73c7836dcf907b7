public import XMLStream

/// What an `XMPPClientConnection` tells its shell, in order, through `pollEvent()`.
public enum XMPPEvent: Sendable, Equatable {
    /// The server said `<proceed/>`: flush `pollOutput()`, start the TLS handshake on the socket
    /// and call `tlsEstablished()` once it completes. Bytes read before that are an error.
    case startTLS
    /// Logged in and bound to this full JID: join the brewery now.
    case ready(JID)
    /// A stanza for the application (IQ requests, presence, messages). Ping traffic is not
    /// reported: the connection answers and consumes it.
    case stanza(XMLElement)
    /// The connection failed; flush output, close the socket, reconnect later.
    case failed(XMPPError)
    /// The stream was closed cleanly (by the server, or after `close()`).
    case closed
}
