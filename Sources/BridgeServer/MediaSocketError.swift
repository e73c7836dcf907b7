/// Why the media socket could not be set up.
public enum MediaSocketError: Error, CustomStringConvertible {
    /// socket(2) or bind(2) failed with this errno.
    case bindFailed(address: String, errno: Int32)
    /// The receive/send batches could not be allocated.
    case batchAllocationFailed
    /// The wake-up eventfd could not be created.
    case eventFDFailed(errno: Int32)

    public var description: String {
        switch self {
        case .bindFailed(let address, let errno): "cannot bind UDP \(address): errno \(errno)"
        case .batchAllocationFailed: "cannot allocate the media socket batches"
        case .eventFDFailed(let errno): "cannot create the wake-up eventfd: errno \(errno)"
        }
    }
}
