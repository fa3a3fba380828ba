import Testing
@testable import Tokenizers

@Test func tokenizersModuleLoads() {
    #expect(Bool(true))
}
