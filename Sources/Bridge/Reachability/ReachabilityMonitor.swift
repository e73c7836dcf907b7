/// The bridge-wide half of the reachability self-check: folds endpoint verdicts into one
/// state and says when it changes.
///
/// One client on a network that blocks UDP must not make the whole bridge look broken, so the
/// state turns `unreachable` after two failures in a row — or after the first one when no
/// endpoint has connected since the bridge started, the case of a port never forwarded.
/// The next endpoint that connects turns it back.
struct ReachabilityMonitor {
    /// Failures in a row that mark the bridge unreachable once something has connected.
    static let failuresToFlag = 2

    /// What `record` reports when the state changes.
    enum Transition: Equatable {
        case becameUnreachable(detail: String)
        case becameReachable
    }

    private(set) var summary = MediaReachability()

    /// Takes one endpoint's verdict; `endpoint` names it and `addresses` says where clients
    /// were told to send media, for the operator's message.
    mutating func record(_ verdict: ReachabilityVerdict, endpoint: String, addresses: String) -> Transition? {
        switch verdict {
        case .connected:
            summary.connections &+= 1
            summary.consecutiveFailures = 0
            summary.detail = nil
            let wasUnreachable = summary.state == .unreachable
            summary.state = .reachable
            return wasUnreachable ? .becameReachable : nil
        case .noChecksArrived, .checksButNoConnection:
            if verdict == .noChecksArrived {
                summary.endpointsWithoutChecks &+= 1
            } else {
                summary.endpointsWithoutConnection &+= 1
            }
            summary.consecutiveFailures += 1
            let threshold = summary.connections == 0 ? 1 : Self.failuresToFlag
            guard summary.consecutiveFailures >= threshold else { return nil }
            let detail = Self.explain(verdict, endpoint: endpoint, addresses: addresses, failures: summary.consecutiveFailures)
            summary.detail = detail
            let wasUnreachable = summary.state == .unreachable
            summary.state = .unreachable
            return wasUnreachable ? nil : .becameUnreachable(detail: detail)
        }
    }

    private static func explain(_ verdict: ReachabilityVerdict, endpoint: String, addresses: String, failures: Int) -> String {
        let seconds = EndpointReachability.verdictDelayMilliseconds / 1000
        let count = failures == 1 ? "1 endpoint has" : "\(failures) endpoints in a row have"
        switch verdict {
        case .noChecksArrived:
            return "\(count) failed to connect; no ICE check arrived from endpoint \(endpoint) within \(seconds) s: "
                + "clients cannot reach \(addresses). Forward and open that UDP port to this host, and check "
                + "that JVB_ADVERTISE_IPS (or the STUN result) is the address clients reach it at"
        default:
            return "\(count) failed to connect; ICE checks arrived from endpoint \(endpoint) but ICE/DTLS did not "
                + "complete within \(seconds) s: the bridge's replies from \(addresses) do not reach clients "
                + "(outbound UDP filtered, or a NAT that maps the port differently)"
        }
    }
}
