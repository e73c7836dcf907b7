@testable import Bridge
import ICE
import Primitives

/// A conference and endpoint that stay alive for the whole test run, to own sources in unit tests
/// (sources hold their owner unowned).
enum SourceTestSupport {
    nonisolated(unsafe) static let conference = Conference(
        meetingID: "unit", name: nil, audioFeedbackSSRC: 1, videoFeedbackSSRC: 2, now: .zero)
    nonisolated(unsafe) static let owner = Endpoint(
        id: "owner", conference: conference, rewritesSSRCs: false,
        ice: ICEAgent(local: ICECredentials.random(), tieBreaker: 1), sctpTag: nil, now: .zero)
}

extension VideoSource {
    /// A camera source with three simulcast encodings (SSRCs 10/11/12, RTX 20/21/22).
    static func testInstance(name: String = "owner-v0") -> VideoSource {
        VideoSource(
            key: 1, name: name, owner: SourceTestSupport.owner, videoType: .camera,
            encodings: (0..<3).map { VideoEncoding(index: $0, ssrc: UInt32(10 + $0), rtxSSRC: UInt32(20 + $0)) })
    }
}
