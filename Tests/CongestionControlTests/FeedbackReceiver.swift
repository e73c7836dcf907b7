import CongestionControl
import Primitives

/// The receiver's side of transport-cc in the simulation: remembers arrivals and, when asked,
/// reports every sequence number from the last report up to the highest received, with the ones
/// that did not arrive marked lost (as a transport-cc feedback message does).
struct FeedbackReceiver {
    private var arrivals: [Int64: Instant] = [:]
    private var highest: Int64?
    private var nextToReport: Int64?

    mutating func receive(sequenceNumber: UInt16, arrival: Instant) {
        let extended: Int64
        if let highest {
            extended = highest + Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: highest)))
        } else {
            extended = Int64(sequenceNumber)
        }
        arrivals[extended] = arrival
        highest = max(highest ?? extended, extended)
        if nextToReport == nil { nextToReport = extended }
    }

    mutating func makeFeedback() -> [PacketReport] {
        guard let highest, let first = nextToReport, first <= highest else { return [] }
        var reports: [PacketReport] = []
        for sequence in first...highest {
            reports.append(PacketReport(
                sequenceNumber: UInt16(truncatingIfNeeded: sequence), arrival: arrivals.removeValue(forKey: sequence)))
        }
        nextToReport = highest + 1
        return reports
    }
}
