import Testing

@testable import RTP

/// FuzzRTP's checks (Fuzz/Sources/FuzzRTP/FuzzRTP.swift) as test expectations, so `swift test`
/// holds every committed input to what the fuzzer held it to, without the sanitizers.
///
/// An input is a selector byte (bit `id % 8` keeps extension id `id`) and then the packet.
enum FuzzRTPReplay {
    /// How far an input got: rejected by the parser, refused by the strip, or stripped.
    enum Outcome: Equatable {
        case rejected(RTPParseError)
        case stripRefused(RTPBuildError)
        case stripped(before: RTPHeaderView, after: RTPHeaderView)

        var reachedTheStrip: Bool {
            if case .stripped = self { return true }
            return false
        }
    }

    static func replay(_ input: [UInt8], name: String) -> Outcome {
        guard let selector = input.first else { return .rejected(.tooShort) }
        var packet = Array(input.dropFirst())
        let view: RTPHeaderView
        do {
            view = try packet.withUnsafeBytes { (bytes) throws(RTPParseError) in try RTPHeaderView(parsing: bytes) }
        } catch let error as RTPParseError {
            return .rejected(error)
        } catch {
            Issue.record("\(name): untyped error \(error)")
            return .rejected(.tooShort)
        }
        #expect(view.packetLength == packet.count, "\(name): lengths do not add up")
        #expect(view.headerLength >= 12 && view.headerLength <= packet.count, "\(name)")

        let keep = packet.withUnsafeBytes { bytes in
            for index in 0..<view.csrcCount {
                #expect(view.csrc(index, in: bytes) != nil, "\(name): CSRC \(index) missing")
            }
            #expect(view.csrc(view.csrcCount, in: bytes) == nil, "\(name): a CSRC past the count")
            var keep = RTPExtensionIDSet()
            var elements = view.extensionElements(in: bytes)
            while let element = try? elements.nextElement() {
                #expect(element.offset >= view.extensionOffset, "\(name): element before the block")
                #expect(element.offset + element.length <= view.headerLength, "\(name): element past the header")
                if selector & (1 << (element.id % 8)) != 0 { keep.insert(element.id) }
            }
            return keep
        }

        var edited = view
        let length: Int
        do {
            length = try packet.withUnsafeMutableBytes { (bytes) throws(RTPBuildError) in
                try edited.retainExtensions(keep, in: bytes)
            }
        } catch let error as RTPBuildError {
            return .stripRefused(error)
        } catch {
            Issue.record("\(name): untyped error \(error)")
            return .stripRefused(.bufferTooSmall)
        }
        #expect(length <= input.count - 1 && length == edited.packetLength, "\(name)")
        #expect(edited.payloadLength == view.payloadLength && edited.paddingLength == view.paddingLength, "\(name)")
        let result = Array(packet[0..<length])
        let reparsed = try? result.withUnsafeBytes { (bytes) throws(RTPParseError) in try RTPHeaderView(parsing: bytes) }
        #expect(reparsed == edited, "\(name): the edited packet does not parse back to the view the edit left")
        let payloadBefore = input.dropFirst().dropFirst(view.payloadOffset).prefix(view.payloadLength)
        let payloadAfter = result.dropFirst(edited.payloadOffset).prefix(edited.payloadLength)
        #expect(payloadBefore.elementsEqual(payloadAfter), "\(name): payload changed")
        let survivors = result.withUnsafeBytes { bytes in Array(edited.extensionElements(in: bytes)).map(\.id) }
        #expect(survivors.allSatisfy(keep.contains), "\(name): \(survivors) survived, kept \(keep)")
        return .stripped(before: view, after: edited)
    }
}
