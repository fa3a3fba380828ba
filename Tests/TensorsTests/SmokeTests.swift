import Testing
@testable import Tensors

@Test func tensorsModuleLoads() {
    #expect(Bool(true))
}
