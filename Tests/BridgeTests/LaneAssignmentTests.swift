@testable import Bridge
import Testing

struct LaneAssignmentTests {
    @Test func oneLaneTakesEverything() {
        var assignment = LaneAssignment(lanes: 1)
        #expect((0..<5).map { _ in assignment.next() } == [0, 0, 0, 0, 0])
    }

    /// Lane 0 (which also receives and rewrites for everyone) gets one endpoint in each turn, every
    /// other lane two; the first endpoints are spread over all lanes.
    @Test func theReceivingLaneGetsHalfAShare() {
        var two = LaneAssignment(lanes: 2)
        #expect((0..<6).map { _ in two.next() } == [0, 1, 1, 0, 1, 1])
        var four = LaneAssignment(lanes: 4)
        let turns = (0..<14).map { _ in four.next() }
        #expect(Array(turns.prefix(7)) == [0, 1, 2, 3, 1, 2, 3])
        #expect(Array(turns.suffix(7)) == Array(turns.prefix(7)))
    }
}
