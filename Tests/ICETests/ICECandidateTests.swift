import Testing

@testable import ICE

@Suite struct ICECandidateTests {
    @Test func prioritiesFollowRFC8445() {
        #expect(ICECandidate.priority(type: .host, localPreference: 65535, component: 1) == 2_130_706_431)
        #expect(ICECandidate.priority(type: .prflx, localPreference: 65535, component: 1) == 1_862_270_975)
        #expect(ICECandidate.priority(type: .srflx, localPreference: 65535, component: 1) == 1_694_498_815)
        #expect(ICECandidate.priority(type: .relay, localPreference: 0, component: 256) == 0)
        // The RFC 5769 sample request's PRIORITY 0x6e0001ff: prflx, local preference 1.
        #expect(ICECandidate.priority(type: .prflx, localPreference: 1, component: 1) == 0x6e00_01ff)
        #expect(ICECandidate.priority(type: .host, localPreference: 1 << 20, component: 0) == 2_130_706_431)
    }

    @Test func pairPriorityIsSymmetricAcrossRoles() {
        let a = CandidatePair.priority(local: 100, remote: 200, role: .controlling)
        let b = CandidatePair.priority(local: 200, remote: 100, role: .controlled)
        #expect(a == b)
        #expect(a == (100 << 32) + 400)
        #expect(CandidatePair.priority(local: 200, remote: 100, role: .controlling) == (100 << 32) + 401)
    }
}
