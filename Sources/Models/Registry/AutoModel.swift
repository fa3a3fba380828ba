import Foundation
import Hub
import Tensors

/// `AutoModel.from_pretrained` and friends: a model reference (local folder or hub repo id in the HF cache) →
/// config + weights → the registered architecture's model for the requested head.
public enum AutoModel {
    /// Loads `task`'s model from a local folder or a repo id resolved through the Hugging Face cache.
    public static func fromPretrained(_ reference: String, task: ModelTask = .base, revision: String? = nil,
                                      hub: Hub = Hub()) throws -> (model: any PretrainedModel, report: LoadReport) {
        let folder = try modelFolder(reference, revision: revision, hub: hub)
        let config = try PretrainedConfig(contentsOf: folder.appendingPathComponent("config.json"), nameOrPath: reference)
        let tensors = try CheckpointFiles.loadTensors(in: folder)
        return try ModelRegistry.build(config: config, tensors: tensors, source: reference, task: task)
    }

    /// The folder holding a model's files: `reference` itself when it is a directory, else its cache snapshot.
    public static func modelFolder(_ reference: String, revision: String? = nil, hub: Hub = Hub()) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: reference)
        }
        // Resolving config.json downloads it (and the snapshot) when allowed, and fails clearly when offline.
        return try hub.resolve(reference, file: "config.json", revision: revision).deletingLastPathComponent()
    }
}

/// Which weight files a checkpoint folder holds, in the reference's order of preference.
public enum CheckpointFiles {
    public static func loadTensors(in folder: URL) throws -> [(String, Tensor)] {
        let fm = FileManager.default
        let single = folder.appendingPathComponent("model.safetensors")
        if fm.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(path: single.path)
            return try file.entries.map { ($0.name, try file.tensor($0.name)) }
        }
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        if fm.fileExists(atPath: index.path) {
            let sharded = try ShardedSafetensors(indexPath: index.path)
            return try sharded.weightMap.keys.sorted().map { ($0, try sharded.tensor($0)) }
        }
        let bin = folder.appendingPathComponent("pytorch_model.bin")
        if fm.fileExists(atPath: bin.path) { return try PyTorchCheckpoint.load(path: bin.path).map { ($0.name, $0.tensor) } }
        throw ModelError.noWeightFiles(folder.path)
    }
}
