import Colibri
import Foundation
import Testing
import XMLStream

/// The files of Fuzz/<kind>/<target> (`kind` is `Corpus` or `Crashes`), sorted by name.
/// One copy per test module: test targets cannot share code without a support target.
func fuzzInputs(_ kind: String, _ target: String) -> [(name: String, bytes: [UInt8])] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/\(kind)/\(target)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.sorted().compactMap { name in
        (try? Data(contentsOf: directory.appendingPathComponent(name))).map { (name, Array($0)) }
    }
}

/// Hand-written seeds have a file extension (Fuzz/Corpus/make-seeds.py writes them); inputs kept
/// from fuzzing are named by their SHA-1, as libFuzzer writes them, and need not be valid.
func fuzzSeeds(_ target: String) -> [(name: String, bytes: [UInt8])] {
    fuzzInputs("Corpus", target).filter { $0.name.contains(".") }
}

/// Replays Fuzz/Corpus/FuzzColibriXML (and any reproducers in Fuzz/Crashes/FuzzColibriXML).
@Suite struct FuzzColibriXMLCorpusTests {
    /// The §2.6 seeds are IQs as jicofo sends them; their child is a request we accept.
    @Test func seedsAreAcceptedRequests() throws {
        let seeds = fuzzSeeds("FuzzColibriXML")
        try #require(seeds.count >= 2)
        for (name, bytes) in seeds {
            let document = try XMLDocument.parse(bytes)
            let request = try #require(document.name == "iq" ? document.children.first : document, "\(name)")
            let modify = try ConferenceModify(element: request)
            #expect(modify.meetingID == "7c9e6679-7425-40de-944b-e07fc1f90ae7", "\(name)")
            #expect(try XMLDocument.parse(request.xmlString()) == request, "\(name)")
        }
    }

    /// FuzzColibriXML's round-trip property on its reproducers: a child in no namespace under a
    /// namespaced parent must come back with `xmlns=""` (it used to read back in the parent's).
    @Test func reproducersRoundTrip() throws {
        for (name, bytes) in fuzzInputs("Crashes", "FuzzColibriXML") {
            let document = try XMLDocument.parse(bytes)
            let reread = try XMLDocument.parse(document.xmlString())
            #expect(reread == document, "\(name)")
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) goes through what
    /// FuzzColibriXML does with it: it is rejected by Expat with an `XMLStreamError`, or its
    /// request serialises and reads back as the same element, and then either is a valid
    /// `ConferenceModify` or is refused with a `Colibri2Error` whose stanza error reads back with
    /// its condition. The seeds must be valid requests.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzColibriXML") + fuzzInputs("Crashes", "FuzzColibriXML")
        try #require(inputs.count >= 3)
        let seeds = Set(fuzzSeeds("FuzzColibriXML").map(\.name))
        for (name, bytes) in inputs {
            let outcome = Self.replay(bytes, name: name)
            if seeds.contains(name) { #expect(outcome == .accepted, "\(name)") }
        }
    }

    enum Outcome: Equatable {
        case notXML(XMLStreamError)
        case refused(Colibri2Error)
        case accepted
    }

    static func replay(_ bytes: [UInt8], name: String) -> Outcome {
        let document: XMLElement
        do {
            document = try XMLDocument.parse(bytes)
        } catch {
            return .notXML(error)
        }
        let request = document.name == "iq" ? document.children.first ?? document : document
        let written = request.xmlString()
        #expect((try? XMLDocument.parse(written)) == request, "\(name): round trip changed the element: \(written)")
        do throws(Colibri2Error) {
            let modify = try ConferenceModify(element: request)
            _ = modify.isExpireOrForceMuteOnly
            _ = modify.needsFeedbackSources
            try modify.validate()
            return .accepted
        } catch {
            let reread = try? XMLDocument.parse(error.element().xmlString())
            #expect(reread?.name == "error", "\(name): error element does not read back: \(error)")
            #expect(reread?.children.first?.name == error.condition.rawValue, "\(name): condition lost: \(error)")
            return .refused(error)
        }
    }
}
