import Foundation
import Hub
import Tensors

// A GGUF file seen as a transformers checkpoint, following transformers/modeling_gguf_pytorch_utils.py
// (`load_gguf_checkpoint`) and integrations/ggml.py (`GGUF_CONFIG_MAPPING`): the metadata becomes a
// `PretrainedConfig`, the tensors get their transformers names, and llama.cpp's rotary row permutation of the
// query/key projections is undone.

/// A llama.cpp single-file checkpoint read as config + named weights.
///
/// All weight handling goes through `weight(gguf:)`, so a loader that keeps tensors quantized only has to replace
/// that one function (the name map and the row order of q/k are exposed for it: `hubName(for:)`,
/// `rowOrder(forGGUFTensor:)`).
public struct GGUFCheckpoint: Sendable {
    public let file: GGUFFile
    /// The architecture as the file names it (`general.architecture`).
    public let architecture: String
    public let config: PretrainedConfig

    /// The architectures whose tensors we can map (transformers supports more; ours are the decoders we build).
    static let supportedArchitectures = ["llama", "mistral", "qwen2"]

    public init(path: String, nameOrPath: String? = nil) throws {
        try self.init(file: GGUFFile(path: path), nameOrPath: nameOrPath)
    }

    public init(file: GGUFFile, nameOrPath: String? = nil) throws {
        self.file = file
        guard let architecture = file.metadata["general.architecture"]?.string else {
            throw ModelError.invalidConfig("\(file.path): GGUF metadata has no general.architecture")
        }
        self.architecture = architecture
        config = try Self.config(of: file, architecture: architecture, nameOrPath: nameOrPath)
    }

    // MARK: - Config

    /// `GGUF_CONFIG_MAPPING` for the llama family: GGUF key (after `<arch>.`) → config key.
    static let configKeys: [(gguf: String, config: String)] = [
        ("context_length", "max_position_embeddings"),
        ("block_count", "num_hidden_layers"),
        ("feed_forward_length", "intermediate_size"),
        ("embedding_length", "hidden_size"),
        ("rope.dimension_count", "head_dim"),
        ("rope.freq_base", "rope_theta"),
        ("attention.head_count", "num_attention_heads"),
        ("attention.head_count_kv", "num_key_value_heads"),
        ("attention.layer_norm_rms_epsilon", "rms_norm_eps"),
        ("vocab_size", "vocab_size"),
    ]

    static func config(of file: GGUFFile, architecture: String, nameOrPath: String?) throws -> PretrainedConfig {
        // llama.cpp files Mistral under "llama"; transformers switches back when the name says so.
        let name = file.metadata["general.name"]?.string
        var modelType = architecture
        if architecture.contains("llama"), name?.contains("mistral") == true { modelType = "mistral" }
        guard supportedArchitectures.contains(modelType) else {
            throw ModelError.invalidConfig("\(file.path): GGUF architecture '\(architecture)' is not supported "
                                           + "(supported: \(supportedArchitectures.joined(separator: ", ")))")
        }
        var values = JSONObject()
        values["model_type"] = .string(modelType)
        for (ggufKey, configKey) in configKeys {
            // Qwen2's head_dim is derived, not read (transformers maps rope.dimension_count to None there).
            if modelType == "qwen2", configKey == "head_dim" { continue }
            guard let value = file.metadata["\(architecture).\(ggufKey)"] else { continue }
            if let int = value.int {
                values[configKey] = .int(int)
            } else if let double = value.double {
                // float32 metadata widened exactly as numpy's float(np.float32) does.
                values[configKey] = .double(double)
            }
        }
        // The "tokenizer" section of GGUF_CONFIG_MAPPING: special ids go into the model config too.
        for (ggufKey, configKey) in [("bos_token_id", "bos_token_id"), ("eos_token_id", "eos_token_id"),
                                     ("unknown_token_id", "unk_token_id"), ("padding_token_id", "pad_token_id")] {
            if let id = file.metadata["tokenizer.ggml.\(ggufKey)"]?.int { values[configKey] = .int(id) }
        }
        if let name { values["_model_name_or_path"] = .string(name) }
        if values["vocab_size"] == nil, let tokens = file.metadata["tokenizer.ggml.tokens"]?.array {
            values["vocab_size"] = .int(tokens.count)
        }
        // No `output.weight` tensor: the LM head is the embedding matrix.
        values["tie_word_embeddings"] = .bool(!file.tensors.contains { $0.name == "output.weight" })
        return PretrainedConfig(values, nameOrPath: nameOrPath ?? name ?? file.path)
    }

    // MARK: - Tensor names

    /// The transformers name of a GGUF tensor for the llama family, or nil for tensors transformers drops
    /// (`rope_freqs.weight`, which llama.cpp precomputes for Llama-3 scaling and transformers recomputes).
    public static func hubName(for ggufName: String) -> String? {
        switch ggufName {
        case "token_embd.weight": return "model.embed_tokens.weight"
        case "output_norm.weight": return "model.norm.weight"
        case "output.weight": return "lm_head.weight"
        default: break
        }
        let parts = ggufName.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]) else { return nil }
        let module: String
        switch parts[2] {
        case "attn_norm": module = "input_layernorm"
        case "ffn_norm": module = "post_attention_layernorm"
        case "attn_q": module = "self_attn.q_proj"
        case "attn_k": module = "self_attn.k_proj"
        case "attn_v": module = "self_attn.v_proj"
        case "attn_output": module = "self_attn.o_proj"
        case "ffn_gate": module = "mlp.gate_proj"
        case "ffn_up": module = "mlp.up_proj"
        case "ffn_down": module = "mlp.down_proj"
        default: return nil
        }
        return "model.layers.\(layer).\(module).\(parts[3])"
    }

    // MARK: - The q/k row permutation

    /// For `blk.N.attn_q.*` / `blk.N.attn_k.*` of the llama family: `order[r]` is the file row that becomes row `r`
    /// of the transformers weight; nil for every other tensor. llama.cpp's converter interleaves each head's two
    /// rotary halves (`permute` in convert_hf_to_gguf.py); `_reverse_permute_weights` undoes it: viewing the rows as
    /// [heads, dim, 2], the result is [heads, 2, dim].
    public func rowOrder(forGGUFTensor name: String, rows: Int) throws -> [Int]? {
        guard architecture == "llama" || architecture == "mistral" else { return nil }
        let heads: Int
        if name.contains(".attn_q.") {
            heads = try config.requireInt("num_attention_heads")
        } else if name.contains(".attn_k.") {
            heads = try config.int("num_key_value_heads") ?? config.requireInt("num_attention_heads")
        } else {
            return nil
        }
        guard heads > 0, rows % (2 * heads) == 0 else {
            throw ModelError.invalidConfig("\(name): \(rows) rows cannot be split into \(heads) heads of two rotary halves")
        }
        let half = rows / heads / 2
        var order = [Int](repeating: 0, count: rows)
        for head in 0..<heads {
            for pair in 0..<2 {
                for i in 0..<half {
                    order[head * 2 * half + pair * half + i] = head * 2 * half + i * 2 + pair
                }
            }
        }
        return order
    }

    // MARK: - Weights

    /// One tensor under its transformers name, float32 (dequantized), rows un-permuted.
    public func weight(gguf info: GGUFTensorInfo) throws -> Tensor {
        let tensor = try file.tensor(named: info.name)
        guard let order = try rowOrder(forGGUFTensor: info.name, rows: info.shape[0]) else { return tensor }
        let index = try Tensor(order.map(Int64.init), shape: [order.count])
        return try tensor.indexSelect(dim: 0, index: index)
    }

    /// Every tensor transformers keeps, as (transformers name, float32 tensor), in file order.
    public func tensors() throws -> [(String, Tensor)] {
        try file.tensors.compactMap { info in
            guard let name = Self.hubName(for: info.name) else { return nil }
            return (name, try weight(gguf: info))
        }
    }
}

// MARK: - from_pretrained(…, gguf_file=…)

extension AutoModel {
    /// The local path of `ggufFile` in a folder or a cached (or downloadable) repo.
    public static func ggufPath(_ reference: String, ggufFile: String, revision: String? = nil, hub: Hub = Hub()) throws -> URL {
        if FileManager.default.fileExists(atPath: ggufFile), !FileManager.default.fileExists(atPath: reference) {
            return URL(fileURLWithPath: ggufFile)
        }
        return try hub.resolve(reference, file: ggufFile, revision: revision)
    }
}
