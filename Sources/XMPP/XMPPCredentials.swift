/// The account the bridge logs in with (`JVB_AUTH_USER` at `XMPP_AUTH_DOMAIN`, `JVB_AUTH_PASSWORD`).
///
/// The password can be read only inside this module, and every description and mirror of the
/// value masks it, so a stray `print`, `dump` or log interpolation cannot leak it.
public struct XMPPCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The SASL authentication identity (the localpart, e.g. `jvb`).
    public let username: String
    /// The password; never printed.
    let password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The user name with the password masked.
    public var description: String { "XMPPCredentials(username: \(username), password: <redacted>)" }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror without the password.
    public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "<redacted>"]) }
}
