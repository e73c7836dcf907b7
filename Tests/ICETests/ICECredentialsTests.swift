import Testing

@testable import ICE

@Suite struct ICECredentialsTests {
    @Test func randomCredentialsHaveTheAdvertisedShape() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        var seen = Set<String>()
        for _ in 0..<200 {
            let credentials = ICECredentials.random()
            #expect(credentials.ufrag.count == 8)
            #expect(credentials.password.count == 24)
            #expect(credentials.ufrag.allSatisfy(allowed.contains))
            #expect(credentials.password.allSatisfy(allowed.contains))
            seen.insert(credentials.ufrag)
        }
        #expect(seen.count == 200)
    }
}
