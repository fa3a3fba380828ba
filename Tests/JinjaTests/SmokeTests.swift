import Testing
@testable import Jinja

@Test func jinjaModuleLoads() {
    #expect(Bool(true))
}
