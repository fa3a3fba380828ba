import Testing
@testable import Hub

@Test func hubModuleLoads() {
    #expect(Bool(true))
}
