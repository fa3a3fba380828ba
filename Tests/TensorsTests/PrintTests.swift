import Testing
@testable import Tensors

/// `repr(tensor)` and `tensor.size()` must read exactly as PyTorch prints them (fixtures from print_cases.py).
@Suite struct PrintTests {
    @Test func reprMatchesPyTorch() throws {
        let fixture = try Fixtures.json("print_cases.json")
        let cases = fixture["cases"] as? [[String: Any]] ?? []
        #expect(cases.count > 20)
        for record in cases {
            let tensor = try tensorFromFixture(record)
            let name = record["name"] as? String ?? "?"
            #expect(tensor.description == record["repr"] as? String, "case \(name)")
            #expect(tensor.sizeDescription == record["size"] as? String, "case \(name)")
        }
    }
}
