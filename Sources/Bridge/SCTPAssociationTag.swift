/// Identifies one endpoint's SCTP association between the engine and the SCTP thread.
public struct SCTPAssociationTag: Hashable, Sendable {
    /// A process-unique number, also usable as usrsctp's `sconn_addr`.
    public var rawValue: UInt32
    /// Wraps a raw value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}
