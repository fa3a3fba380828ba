import Foundation
import Hub
import Tensors

// `model.save_pretrained(folder)` (transformers/modeling_utils.py): config.json with `architectures` set to the
// model's class, and model.safetensors holding the model's own parameters under its module names (tied
// duplicates dropped, `{"format": "pt"}` metadata), so the folder loads back here and in Python alike.

extension ModelRegistry {
    /// The architectures read the backbone under `<prefix>.` for every head; a base model's own parameters have no
    /// prefix (`BertModel` saves `embeddings.…`, `BertForMaskedLM` saves `bert.embeddings.…`).
    static func moduleNames(_ state: [String: Tensor], prefix: String, task: ModelTask) -> [String: Tensor] {
        guard task == .base else { return state }
        let dotted = prefix + "."
        var result: [String: Tensor] = [:]
        for (name, tensor) in state {
            result[name.hasPrefix(dotted) ? String(name.dropFirst(dotted.count)) : name] = tensor
        }
        return result
    }

    /// The Python class of `task` for `config`'s model type: `BertConfig` + masked LM → `BertForMaskedLM`.
    static func architectureName(config: PretrainedConfig, task: ModelTask) -> String? {
        guard config.className.hasSuffix("Config"), config.className != "PretrainedConfig" else { return nil }
        let family = String(config.className.dropLast("Config".count))
        switch task {
        case .base: return family + "Model"
        case .causalLM where config.modelType == "gpt2": return "GPT2LMHeadModel"
        default: return family + String(task.rawValue.dropFirst("AutoModel".count))
        }
    }
}

extension AutoModel {
    /// Writes `config` (with `architectures` = the loaded class) and the parameters in `report.stateDict` to
    /// `folder`, creating it.
    public static func savePretrained(config: PretrainedConfig, report: LoadReport, to folder: URL) throws {
        var state = report.stateDict
        for (name, matrix) in report.quantizedState where state[name] == nil { state[name] = try matrix.dequantized() }
        guard !state.isEmpty else {
            throw ModelError.invalidInput("save_pretrained: this model has no recorded parameters to save")
        }
        var saved = config
        if let architecture = report.architecture { saved["architectures"] = .array([.string(architecture)]) }
        try saved.save(to: folder)
        try Safetensors.save(state, to: folder.appendingPathComponent("model.safetensors").path,
                             metadata: ["format": "pt"])
    }
}
