import Foundation
import Testing
@testable import Tensors

/// Every op against PyTorch: Scripts/fixtures/tensors/ops.py stores inputs (with the view chain that makes them
/// non-contiguous), arguments and PyTorch's outputs; this replays each case through the Swift API. The tensors are
/// read with our own safetensors reader, which this also exercises.
@Suite struct OpsParityTests {
    static let file = Result { try SafetensorsFile(path: Fixtures.url("ops/ops.safetensors").path) }
    static var cases: [[String: Any]] { ((try? Fixtures.json("ops/cases.json"))?["cases"] as? [[String: Any]]) ?? [] }

    @Test func manifestListsTheFiles() throws {
        let manifest = try Fixtures.json("ops/manifest.json")
        let files = manifest["files"] as? [String: String] ?? [:]
        #expect(files.keys.sorted() == ["cases.json", "ops.safetensors"])
        #expect(Self.cases.count == manifest["cases"] as? Int)
        #expect(Self.cases.count > 300)
    }

    /// One test per op family keeps failures readable; each replays all cases whose op is in the family.
    @Test(arguments: [
        "elementwise", "unary", "compare", "reduce", "softmax", "index", "shape", "creation", "norm",
    ])
    func parity(family: String) throws {
        let file = try Self.file.get()
        var checked = 0
        let cases = Self.cases
        for record in cases where OpFamilies.family(of: record["op"] as? String ?? "") == family {
            let name = record["name"] as? String ?? "?"
            let inputs = try (record["inputs"] as? [[String: Any]] ?? []).map { spec in
                try applyViews(file.tensor(spec["key"] as? String ?? ""), spec["views"] as? [[Any]] ?? [])
            }
            let args = record["args"] as? [String: Any] ?? [:]
            if record["error"] as? Bool == true {
                #expect(throws: TensorError.self, "case \(name) should throw") { try OpRunner.run(record["op"] as? String ?? "", inputs, args) }
                checked += 1
                continue
            }
            let outputs: [Tensor]
            do {
                outputs = try OpRunner.run(record["op"] as? String ?? "", inputs, args)
            } catch {
                Issue.record("case \(name) threw \(error)")
                continue
            }
            let expected = try (record["outputs"] as? [String] ?? []).map { try file.tensor($0) }
            #expect(outputs.count == expected.count, "case \(name): \(outputs.count) outputs, expected \(expected.count)")
            let large = record["tol"] as? String == "large"
            for (got, want) in zip(outputs, expected) { expectClose(got, want, large: large, name: name) }
            checked += 1
        }
        #expect(checked > 0, "no cases for family \(family)")
    }

    private func applyViews(_ tensor: Tensor, _ views: [[Any]]) throws -> Tensor {
        var t = tensor
        for view in views {
            switch view.first as? String {
            case "t": t = try t.transpose(view[1] as! Int, view[2] as! Int)
            case "p": t = try t.permute(view[1] as! [Int])
            case "s": t = try t.slice(view[1] as! Int, start: view[2] as? Int, end: view[3] as? Int, step: view[4] as! Int)
            case "e": t = try t.expand(view[1] as! [Int])
            default: Issue.record("unknown view \(view)")
            }
        }
        return t
    }
}

/// Compares dtype, shape and values: floats within 1e-5 relative or 1e-6 absolute (1e-4 / 1e-5 for large
/// reductions; half types within their own precision), NaN matching NaN; integers and bools exactly.
func expectClose(_ got: Tensor, _ want: Tensor, large: Bool = false, name: String) {
    #expect(got.dtype == want.dtype, "case \(name): dtype \(got.dtype) vs \(want.dtype)")
    #expect(got.shape == want.shape, "case \(name): shape \(got.shape) vs \(want.shape)")
    guard got.shape == want.shape else { return }
    if want.dtype.isFloatingPoint {
        let (rtol, atol): (Float, Float) = switch want.dtype {
        case .bfloat16: (8e-3, 1e-5)
        case .float16: (1e-3, 1e-5)
        default: large ? (1e-4, 1e-5) : (1e-5, 1e-6)
        }
        let a = got.floats(), b = want.floats()
        var bad = 0, first = ""
        for i in a.indices {
            let x = a[i], y = b[i]
            if x.isNaN && y.isNaN { continue }
            if x == y { continue }
            if !(Swift.abs(x - y) <= atol + rtol * Swift.abs(y)) {
                if bad == 0 { first = "at \(i): \(x) vs \(y)" }
                bad += 1
            }
        }
        #expect(bad == 0, "case \(name): \(bad) of \(a.count) values differ, first \(first)")
    } else {
        #expect(got.int64s() == want.int64s(), "case \(name): values \(got.int64s().prefix(20)) vs \(want.int64s().prefix(20))")
    }
}
