import Foundation
import Testing
@testable import Tensors

/// The GGUF reader against a file written by gguf-py's GGUFWriter (Scripts/fixtures/gguf/make_gguf.py): metadata of
/// every value type, tensors of every supported ggml type, dequantized bit for bit as gguf-py's numpy reference does.
@Suite struct GGUFReaderTests {
    let folder = "gguf/"

    func manifest() throws -> [String: Any] { try Fixtures.json(folder + "manifest.json") }
    func open() throws -> GGUFFile { try GGUFFile(path: Fixtures.url(folder + "small.gguf").path) }

    @Test func metadataOfEveryTypeMatchesGGUFPy() throws {
        let file = try open()
        let records = (try manifest()["metadata"] as? [[String: Any]] ?? []).filter {
            !(($0["key"] as? String) ?? "").hasPrefix("GGUF.")  // gguf-py's pseudo-fields for the header
        }
        #expect(file.version == 3)
        #expect(file.metadataKeys == records.map { $0["key"] as? String ?? "" })
        for record in records {
            let key = record["key"] as? String ?? ""
            let value = try #require(file.metadata[key], "\(key)")
            let types = record["types"] as? [String] ?? []
            #expect(value.type.description == types.first, "\(key)")
            let want = record["value"]
            switch value {
            case .array(let elementType, let items):
                #expect(elementType.description == types.last, "\(key)")
                let wanted = want as? [Any] ?? []
                #expect(items.count == wanted.count, "\(key)")
                for (item, w) in zip(items, wanted) { expectEqual(item, w, key) }
            default: expectEqual(value, want as Any, key)
            }
        }
        #expect(file.alignment == 64)
        #expect(file.metadata["test.string"]?.string == "héllo, wörld ✓")
        #expect(file.metadata["test.array_strings"]?.strings == ["<s>", "</s>", "Ġthe", ""])
    }

    /// Compares one decoded value with gguf-py's `contents()` (floats arrive as their Python repr strings).
    func expectEqual(_ value: GGUFValue, _ want: Any, _ key: String) {
        switch value {
        case .float32(let f): #expect(Double(f) == Double(want as? String ?? ""), "\(key)")
        case .float64(let d): #expect(d == Double(want as? String ?? ""), "\(key)")
        case .bool(let b): #expect(b == (want as? Bool), "\(key)")
        case .string(let s): #expect(s == (want as? String), "\(key)")
        case .uint64(let u): #expect(u == (want as? NSNumber)?.uint64Value, "\(key)")
        default: #expect(value.int == (want as? NSNumber)?.intValue, "\(key)")
        }
    }

    @Test func tensorInfosUsePyTorchShapes() throws {
        let file = try open()
        let records = try manifest()["tensors"] as? [[String: Any]] ?? []
        #expect(file.tensors.map(\.name) == records.map { $0["name"] as? String ?? "" })
        for (info, record) in zip(file.tensors, records) {
            #expect(info.shape == record["shape"] as? [Int], "\(info.name)")
            #expect(info.ggufDims == record["ggufDims"] as? [Int], "\(info.name)")
            #expect(info.type.description == record["type"] as? String, "\(info.name)")
            #expect(info.byteCount == record["nBytes"] as? Int, "\(info.name)")
            #expect(info.fileOffset % 64 == 0, "\(info.name) is aligned to general.alignment")
        }
    }

    @Test func dequantizationIsBitExactToGGUFPy() throws {
        let file = try open()
        let expected = try fixtureFloats(folder + "expected.f32")
        let records = try manifest()["tensors"] as? [[String: Any]] ?? []
        #expect(records.count == 14)
        for record in records {
            let name = record["name"] as? String ?? ""
            let start = (record["offset"] as? Int ?? 0) / 4, count = record["count"] as? Int ?? 0
            let tensor = try file.tensor(named: name)
            #expect(tensor.dtype == .float32 && tensor.shape == record["shape"] as? [Int], "\(name)")
            let got = tensor.floats()
            let want = Array(expected[start..<start + count])
            let mismatches = zip(got, want).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
            #expect(got.count == want.count && mismatches.isEmpty,
                    "\(name): \(mismatches.count) values differ, first \(mismatches.first.map { "#\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
        }
    }

    @Test func f32TensorsBorrowTheMapping() throws {
        let file = try open()
        let tensor = try file.tensor(named: "f32_3d")
        let info = try file.info(named: "f32_3d")
        #expect(tensor.storage.bytes == file.file.bytes + info.fileOffset)
        let raw = try file.rawTensor(named: "q4_1")
        #expect(raw.dtype == .uint8 && raw.shape == [160])
    }

    @Test func unknownTensorNameIsAnError() throws {
        #expect { try open().tensor(named: "nope") } throws: { "\($0)".contains("no tensor named nope") }
    }
}
