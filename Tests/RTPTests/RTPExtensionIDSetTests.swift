import Testing
import RTP

@Suite struct RTPExtensionIDSetTests {
    @Test func membership() {
        var set: RTPExtensionIDSet = [1, 64, 200, 255]
        #expect(set.contains(1) && set.contains(64) && set.contains(200) && set.contains(255))
        #expect(!set.contains(0) && !set.contains(2) && !set.contains(128))
        set.remove(64)
        set.insert(128)
        #expect(!set.contains(64) && set.contains(128))
        #expect(RTPExtensionIDSet.all.removing(10).contains(11) && !RTPExtensionIDSet.all.removing(10).contains(10))
        #expect(RTPExtensionIDSet() == [])
    }
}
