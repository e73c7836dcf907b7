import Testing
@testable import ICE

@Suite struct STUNPeekTests {
    @Test func placeholder() { #expect(STUNPeek.localUfrag(of: UnsafeRawBufferPointer(start: nil, count: 0)) == nil) }
}
