/// Names one SCTP association inside the hub.
///
/// The raw value doubles as usrsctp's AF_CONN address (`sconn_addr`): an integer, never an
/// object pointer (CVE-2020-6514 leaked `this` through the COOKIE). usrsctp rejects address 0
/// in `usrsctp_connect`, so the hub ignores commands for raw value 0.
public struct SCTPAssociationID: Hashable, Sendable, CustomStringConvertible {
    /// The caller-chosen number; must be non-zero and unique among open associations.
    public var rawValue: UInt32

    /// Wraps a raw value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `sctp#<rawValue>`, for logs.
    public var description: String { "sctp#\(rawValue)" }

    /// The opaque AF_CONN address usrsctp hands back in `conn_output` and expects in `conninput`.
    var connAddress: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: UInt(rawValue)) }

    /// Recovers the id from an AF_CONN address usrsctp passed to a callback.
    init(connAddress: UnsafeMutableRawPointer?) {
        self.rawValue = UInt32(truncatingIfNeeded: UInt(bitPattern: connAddress))
    }
}
