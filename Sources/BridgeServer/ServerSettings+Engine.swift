public import Bridge
public import Primitives

extension ServerSettings {
    /// The engine's configuration for a socket bound at `bound`: host candidates from
    /// `interfaces` (see `HostAddressDiscovery`) and advertised addresses whose port 0 means
    /// "the media port".
    public func bridgeConfiguration(bound: PeerAddress, interfaces: [PeerAddress]) -> BridgeConfiguration {
        BridgeConfiguration(
            hostAddresses: HostAddressDiscovery.hostAddresses(bound: bound, interfaces: interfaces),
            advertisedAddresses: advertisedAddresses.map { $0.port == 0 ? $0.with(port: bound.port) : $0 },
            sctpEnabled: sctpEnabled,
            advertisePrivateCandidates: advertisePrivateCandidates,
            maximumConferences: maximumConferences,
            maximumEndpointsPerConference: maximumEndpointsPerConference,
            initialMaxHeight: initialMaxHeight,
            trustsBandwidthEstimate: trustsBandwidthEstimate,
            srtpBackend: srtpBackend,
            mediaLanes: mediaThreads
        )
    }
}
