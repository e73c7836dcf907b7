import Testing

@testable import RTP

/// FuzzRTCP's checks (Fuzz/Sources/FuzzRTCP/FuzzRTCP.swift) as test expectations, so `swift test`
/// holds every committed input to what the fuzzer held it to, without the sanitizers.
enum FuzzRTCPReplay {
    /// The packets the iterator produced before it ended, and the error that ended it, if any.
    struct Outcome {
        var packets = 0
        var untyped = 0
        var error: RTCPParseError?
    }

    static func replay(_ datagram: [UInt8], name: String) -> Outcome {
        datagram.withUnsafeBytes { bytes in
            var outcome = Outcome()
            var iterator = RTCPCompoundIterator(bytes)
            while true {
                let before = iterator.offset
                let packet: RTCPPacket?
                do {
                    packet = try iterator.next()
                } catch let error as RTCPParseError {
                    outcome.error = error
                    break
                } catch {
                    Issue.record("\(name): untyped error \(error)")
                    break
                }
                guard let packet else { break }
                outcome.packets += 1
                #expect(iterator.offset > before && iterator.offset <= bytes.count, "\(name): iterator offset \(iterator.offset)")
                if case .other = packet { outcome.untyped += 1 }
                check(packet, name: name)
            }
            return outcome
        }
    }

    /// Every indexed accessor answers for each index below its count and nil one past it, and
    /// the sequences yield no more than their counts allow.
    private static func check(_ packet: RTCPPacket, name: String) {
        switch packet {
        case .senderReport(let report):
            expectIndexed(report.reportCount, name: "\(name): SR report blocks") { report.reportBlock($0) }
        case .receiverReport(let report):
            expectIndexed(report.reportCount, name: "\(name): RR report blocks") { report.reportBlock($0) }
        case .sourceDescription(let description):
            for item in description where item.type == RTCPSourceDescription.cnameType {
                #expect(description.cname(for: item.ssrc) != nil, "\(name): CNAME item not found by SSRC")
            }
        case .bye(let bye):
            expectIndexed(bye.sourceCount, name: "\(name): BYE sources") { bye.ssrc($0) }
        case .nack(let nack):
            expectIndexed(nack.pairCount, name: "\(name): NACK pairs") { nack.pair($0) }
            // Each pair names its packet id plus up to 16 more from the bitmask.
            let lost = Array(nack).count
            #expect(lost >= nack.pairCount && lost <= nack.pairCount * 17, "\(name): \(lost) lost in \(nack.pairCount) pairs")
        case .transportCC(let feedback):
            let entries = Array(feedback).count
            #expect(entries <= feedback.packetStatusCount, "\(name): \(entries) entries, status count \(feedback.packetStatusCount)")
        case .pli:
            break
        case .fir(let fir):
            expectIndexed(fir.entryCount, name: "\(name): FIR entries") { fir.entry($0) }
        case .remb(let remb):
            expectIndexed(remb.ssrcCount, name: "\(name): REMB SSRCs") { remb.ssrc($0) }
        case .other(let header, let bytes):
            #expect(header.length == bytes.count, "\(name): other packet's bytes and header disagree")
        }
    }

    private static func expectIndexed<T>(_ count: Int, name: String, _ accessor: (Int) -> T?) {
        #expect((0..<count).allSatisfy { accessor($0) != nil }, "\(name): an index below \(count) missing")
        #expect(accessor(count) == nil, "\(name): an index past \(count) answered")
    }
}
