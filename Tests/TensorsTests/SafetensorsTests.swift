import Foundation
import Testing
@testable import Tensors

/// The safetensors reader and writer: round trips, zero-copy borrowing, metadata, shards, and every way a file can
/// lie about itself (each must throw `TensorError.invalidFile`, never crash).
@Suite struct SafetensorsTests {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-safetensors-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// A file PyTorch's `safetensors` wrote (the op fixtures): metadata kept, names and dtypes as stored.
    @Test func readsReferenceFileWithMetadata() throws {
        let file = try SafetensorsFile(path: Fixtures.url("ops/ops.safetensors").path)
        #expect(file.metadata["generator"] == "Scripts/fixtures/tensors/ops.py")
        #expect(file.names.count > 500)
        let half = try file.tensor("add_half/in0")
        #expect(half.dtype == .float16)
        let boolMask = try file.tensor("where_bcast/in0")
        #expect(boolMask.dtype == .bool && boolMask.shape == [3, 1])
    }

    @Test func roundTripKeepsDTypesShapesValuesAndMetadata() throws {
        let path = temporaryPath("roundtrip.safetensors")
        let a = try Tensor([1.5, -2, 3, 4, 5, 6], shape: [2, 3])
        let tensors: [String: Tensor] = [
            "a": a.transposed,  // non-contiguous: written densely
            "half": a.to(.float16), "bf": a.to(.bfloat16), "ids": try Tensor([Int64(7), -1], shape: [2]),
            "i32": try Tensor([Int32(3)], shape: [1]), "bytes": try Tensor([UInt8(255), 0], shape: [2]),
            "flags": try Tensor([true, false], shape: [2]), "scalar": Tensor(scalar: Float(2.5)), "empty": Tensor.zeros([0, 4]),
        ]
        try Safetensors.save(tensors, to: path, metadata: ["format": "pt", "note": "quote \" and / slash"])
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == ["format": "pt", "note": "quote \" and / slash"])
        #expect(Set(file.names) == Set(tensors.keys))
        for (name, tensor) in tensors {
            let loaded = try file.tensor(name)
            #expect(loaded.dtype == tensor.dtype, "\(name)")
            #expect(loaded.shape == tensor.shape, "\(name)")
            #expect(loaded.floats() == tensor.floats(), "\(name)")
        }
        // The header is padded so that data starts 8-byte aligned, and float32 tensors borrow the mapping.
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = raw.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect((8 + headerLength) % 8 == 0)
        let borrowed = try file.tensor("a")
        #expect(borrowed.storage.owner != nil)
        // Copy-on-write mapping: writing a loaded tensor works and never reaches the file.
        try borrowed.indexPut([.index(0)], Scalar.float(100))
        #expect(try SafetensorsFile(path: path).tensor("a").floats() == a.transposed.contiguous().floats())
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == raw)
    }

    @Test func shardedIndex() throws {
        let dir = URL(fileURLWithPath: temporaryPath("shards"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Safetensors.save(["w1": try Tensor([Float(1), 2], shape: [2])], to: dir.appendingPathComponent("model-00001-of-00002.safetensors").path)
        try Safetensors.save(["w2": try Tensor([Float(3), 4, 5], shape: [3])], to: dir.appendingPathComponent("model-00002-of-00002.safetensors").path)
        let index = #"{"metadata": {"total_size": 20}, "weight_map": {"w1": "model-00001-of-00002.safetensors", "w2": "model-00002-of-00002.safetensors"}}"#
        let indexPath = dir.appendingPathComponent("model.safetensors.index.json").path
        try index.write(toFile: indexPath, atomically: true, encoding: .utf8)
        let sharded = try ShardedSafetensors(indexPath: indexPath)
        #expect(sharded.names == ["w1", "w2"])
        #expect(try sharded.tensor("w2").floats() == [3, 4, 5])
        #expect(try sharded.tensors().count == 2)
        #expect(throws: TensorError.self) { try sharded.tensor("w3") }

        let lying = #"{"weight_map": {"w1": "model-00002-of-00002.safetensors"}}"#
        let lyingPath = dir.appendingPathComponent("lying.index.json").path
        try lying.write(toFile: lyingPath, atomically: true, encoding: .utf8)
        #expect(throws: TensorError.self) { try ShardedSafetensors(indexPath: lyingPath).tensor("w1") }
        let escaping = #"{"weight_map": {"w1": "../etc/passwd"}}"#
        try escaping.write(toFile: lyingPath, atomically: true, encoding: .utf8)
        #expect(throws: TensorError.self) { try ShardedSafetensors(indexPath: lyingPath) }
    }

    /// Writes a file with the given header JSON and `dataBytes` zero bytes of data.
    func craft(_ name: String, header: String, dataBytes: Int, declaredLength: UInt64? = nil) throws -> String {
        var data = Data()
        let json = Array(header.utf8)
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        data.append(Data(count: dataBytes))
        let path = temporaryPath(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func rejectsLyingOrTruncatedFiles() throws {
        let good = #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        #expect(try SafetensorsFile(path: craft("good.safetensors", header: good, dataBytes: 8)).tensor("x").floats() == [0, 0])
        let bad: [(String, String, Int, UInt64?)] = [
            ("truncated data", good, 4, nil),
            ("header length past end", good, 8, 10_000),
            ("huge header length", good, 8, UInt64.max),
            ("not json", "{not json at all", 0, nil),
            ("not an object", "[1, 2]", 0, nil),
            ("unknown dtype", #"{"x": {"dtype": "F8", "shape": [2], "data_offsets": [0, 2]}}"#, 2, nil),
            ("negative shape", #"{"x": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}"#, 8, nil),
            ("fractional shape", #"{"x": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 8]}}"#, 8, nil),
            ("size mismatch", #"{"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, 12, nil),
            ("reversed offsets", #"{"x": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}}"#, 8, nil),
            ("overflowing shape", #"{"x": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}"#, 8, nil),
            ("overlap", #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "y": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, 12, nil),
            ("missing offsets", #"{"x": {"dtype": "F32", "shape": [2]}}"#, 8, nil),
            ("bad metadata", #"{"__metadata__": {"a": 1}}"#, 0, nil),
        ]
        for (index, (what, header, bytes, declared)) in bad.enumerated() {
            let path = try craft("bad\(index).safetensors", header: header, dataBytes: bytes, declaredLength: declared)
            #expect(throws: TensorError.self, "\(what)") { _ = try SafetensorsFile(path: path) }
        }
        let tiny = temporaryPath("tiny.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: tiny))
        #expect(throws: TensorError.self) { _ = try SafetensorsFile(path: tiny) }
        #expect(throws: TensorError.self) { _ = try SafetensorsFile(path: temporaryPath("missing.safetensors")) }
    }

    /// Stored types without an engine dtype are converted on load (F64 → float32, I16 → int32).
    @Test func convertsWideStoredTypes() throws {
        var data = Data()
        let header = Array(#"{"d": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}, "s": {"dtype": "I16", "shape": [1], "data_offsets": [16, 18]}}"#.utf8)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for v in [1.25, -3.5] { withUnsafeBytes(of: v) { data.append(contentsOf: $0) } }
        withUnsafeBytes(of: Int16(-7)) { data.append(contentsOf: $0) }
        let path = temporaryPath("wide.safetensors")
        try data.write(to: URL(fileURLWithPath: path))
        let file = try SafetensorsFile(path: path)
        #expect(try file.tensor("d").floats() == [1.25, -3.5])
        #expect(try file.tensor("s").int64s() == [-7])
        #expect(try file.tensor("s").dtype == .int32)
    }
}
