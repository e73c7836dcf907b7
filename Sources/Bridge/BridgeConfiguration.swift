public import Primitives

/// Settings the engine needs from the configuration.
public struct BridgeConfiguration: Sendable {
    /// Host candidates: the addresses the media socket is bound to, with its port.
    public var hostAddresses: [PeerAddress]
    /// Static NAT mappings (`JVB_ADVERTISE_IPS`): public address and port advertised as srflx.
    public var advertisedAddresses: [PeerAddress]
    /// Whether endpoints may ask for an SCTP data channel.
    public var sctpEnabled: Bool
    /// Whether private host candidates are advertised too (JVB's advertise-private-candidates).
    public var advertisePrivateCandidates: Bool

    /// Creates a configuration.
    public init(
        hostAddresses: [PeerAddress],
        advertisedAddresses: [PeerAddress] = [],
        sctpEnabled: Bool = true,
        advertisePrivateCandidates: Bool = true
    ) {
        self.hostAddresses = hostAddresses
        self.advertisedAddresses = advertisedAddresses
        self.sctpEnabled = sctpEnabled
        self.advertisePrivateCandidates = advertisePrivateCandidates
    }
}
