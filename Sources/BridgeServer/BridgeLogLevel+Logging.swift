import Bridge
import Logging

extension BridgeLogLevel {
    /// The swift-log level for an engine log event.
    var loggingLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }
}
