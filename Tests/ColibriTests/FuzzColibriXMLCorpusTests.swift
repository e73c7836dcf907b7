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

/// Replays Fuzz/Corpus/FuzzColibriXML (and any reproducers in Fuzz/Crashes/FuzzColibriXML).
@Suite struct FuzzColibriXMLCorpusTests {
    /// The §2.6 seeds are IQs as jicofo sends them; their child is a request we accept.
    @Test func seedsAreAcceptedRequests() throws {
        let seeds = fuzzInputs("Corpus", "FuzzColibriXML")
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

    @Test func reproducersNoLongerTrap() {
        for (_, bytes) in fuzzInputs("Crashes", "FuzzColibriXML") {
            guard let document = try? XMLDocument.parse(bytes) else { continue }
            let request = document.name == "iq" ? document.children.first ?? document : document
            _ = try? XMLDocument.parse(request.xmlString())
            do {
                try ConferenceModify(element: request).validate()
            } catch {
                _ = error.element().xmlString()
            }
        }
    }
}
