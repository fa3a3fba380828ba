import Testing
@testable import Tensors

/// View chains replayed on arange(120).reshape(2, 3, 4, 5): shape, strides, offset, contiguity and values equal to
/// PyTorch's (Scripts/fixtures/tensors/view_cases.py); where PyTorch raises, we throw.
@Suite struct ViewTests {
    func apply(_ t: Tensor, _ op: [Any]) throws -> Tensor {
        let name = op[0] as? String ?? ""
        let ints = op.dropFirst().map { $0 as? Int }
        switch name {
        case "permute": return try t.permute(op[1] as? [Int] ?? [])
        case "transpose": return try t.transpose(ints[0]!, ints[1]!)
        case "reshape": return try t.reshape(op[1] as? [Int] ?? [])
        case "view": return try t.view(op[1] as? [Int] ?? [])
        case "unsqueeze": return try t.unsqueeze(ints[0]!)
        case "squeeze": return try t.squeeze(ints[0])
        case "select": return try t.select(ints[0]!, ints[1]!)
        case "narrow": return try t.narrow(ints[0]!, start: ints[1]!, length: ints[2]!)
        case "slice": return try t.slice(ints[0]!, start: ints[1], end: ints[2], step: ints[3] ?? 1)
        case "expand": return try t.expand(op[1] as? [Int] ?? [])
        case "flatten": return try t.flatten(startDim: ints[0]!, endDim: ints[1]!)
        default: throw TensorError.invalidArgument(op: name, detail: "unknown op in fixture")
        }
    }

    @Test func viewChainsMatchPyTorch() throws {
        let cases = try Fixtures.json("view_cases.json")["cases"] as? [[String: Any]] ?? []
        #expect(cases.count >= 25)
        for record in cases {
            let ops = record["ops"] as? [[Any]] ?? []
            var tensor = try Tensor((0..<120).map(Float.init), shape: [2, 3, 4, 5])
            do {
                for op in ops { tensor = try apply(tensor, op) }
                #expect(record["error"] == nil, "\(ops) should have thrown: \(record["message"] ?? "")")
                #expect(tensor.shape == record["shape"] as? [Int], "\(ops)")
                // A copy made by reshape has fresh strides and offset, like PyTorch's.
                #expect(tensor.strides == record["strides"] as? [Int], "\(ops)")
                #expect(tensor.offset == record["offset"] as? Int, "\(ops)")
                #expect(tensor.isContiguous == record["contiguous"] as? Bool, "\(ops)")
                #expect(tensor.floats() == (record["values"] as? [Double] ?? []).map(Float.init), "\(ops)")
            } catch let error as TensorError {
                #expect(record["error"] != nil, "\(ops) threw \(error) but PyTorch did not")
            }
        }
    }
}
