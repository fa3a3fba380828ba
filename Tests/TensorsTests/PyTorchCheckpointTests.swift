import Testing
@testable import Tensors

/// `pytorch_model.bin` files written by torch.save (Scripts/fixtures/tensors/pytorch_bin.py) read back exactly,
/// and anything beyond a plain state dict is refused.
@Suite struct PyTorchCheckpointTests {
    let folder = "pytorch_bin/"

    @Test func stateDictMatchesPyTorch() throws {
        let manifest = try Fixtures.json(folder + "manifest.json")
        let expected = manifest["expected"] as? [String: [String: Any]] ?? [:]
        let loaded = try PyTorchCheckpoint.load(path: Fixtures.url(folder + "state_dict.bin").path)
        #expect(loaded.map(\.name) == ["embeddings.weight", "tied.weight", "transposed", "row_view", "half", "bf16", "ids", "flags", "scalar", "param"])
        for (name, tensor) in loaded {
            let record = try #require(expected[name])
            #expect(tensor.dtype.rawValue == record["dtype"] as? String, "\(name)")
            #expect(tensor.shape == record["shape"] as? [Int], "\(name)")
            let want = (record["values"] as? [Any] ?? []).map { ($0 as? Double) ?? (($0 as? Bool) == true ? 1 : 0) }
            let got = tensor.floats().map(Double.init)
            #expect(got.count == want.count, "\(name)")
            for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-6 * max(1, abs(w)), "\(name): \(g) vs \(w)") }
        }
        // Tied weights share one storage and the transposed tensor keeps its strides: nothing was copied.
        #expect(loaded[0].tensor.storage === loaded[1].tensor.storage)
        #expect(loaded[2].tensor.strides == [1, 5])
        #expect(loaded[3].tensor.offset == 4)
    }

    @Test func nestedStateDictNamesAreJoined() throws {
        let loaded = try PyTorchCheckpoint.load(path: Fixtures.url(folder + "nested.bin").path)
        #expect(loaded.map(\.name) == ["state_dict.a.b"])
        #expect(loaded[0].tensor.floats() == [1, 1])
    }

    @Test func arbitraryGlobalsAreRefused() throws {
        #expect {
            try PyTorchCheckpoint.load(path: Fixtures.url(folder + "evil.bin").path)
        } throws: { error in
            String(describing: error).contains("refusing to load global posix.system")
        }
    }

    @Test func truncatedAndMissingFilesAreErrors() throws {
        #expect(throws: TensorError.self) { try PyTorchCheckpoint.load(path: Fixtures.url(folder + "truncated.bin").path) }
        #expect(throws: TensorError.self) { try PyTorchCheckpoint.load(path: "/nonexistent/pytorch_model.bin") }
        #expect(throws: TensorError.self) { try PyTorchCheckpoint.load(path: Fixtures.url(folder + "manifest.json").path) }
    }
}
