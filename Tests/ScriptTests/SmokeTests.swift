import Testing
@testable import Script

@Test func scriptModuleLoads() {
    #expect(Bool(true))
}
