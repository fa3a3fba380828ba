import Testing
@testable import Media

@Test func mediaModuleLoads() {
    #expect(Bool(true))
}
