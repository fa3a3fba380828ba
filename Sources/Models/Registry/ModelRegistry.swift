import Hub
import Tensors

/// `model_type` → how to build that architecture. A flat table: adding an architecture is one folder and one line.
public enum ModelRegistry {
    struct Entry: Sendable {
        /// `base_model_prefix`, for resolving base/head checkpoint key differences.
        let prefix: String
        let build: @Sendable (PretrainedConfig, Weights, ModelTask) throws -> any PretrainedModel
    }

    static let table: [String: Entry] = [
        "bert": Entry(prefix: "bert") { try BertStyleModel(config: $0, weights: $1, family: .bert, task: $2) },
        "roberta": Entry(prefix: "roberta") { try BertStyleModel(config: $0, weights: $1, family: .roberta, task: $2) },
        "xlm-roberta": Entry(prefix: "roberta") { try BertStyleModel(config: $0, weights: $1, family: .roberta, task: $2) },
        "distilbert": Entry(prefix: "distilbert") { try DistilBertModel(config: $0, weights: $1, task: $2) },
        "albert": Entry(prefix: "albert") { try AlbertModel(config: $0, weights: $1, task: $2) },
        "deberta-v2": Entry(prefix: "deberta") { try DebertaV2Model(config: $0, weights: $1, task: $2) },
        "electra": Entry(prefix: "electra") { try BertStyleModel(config: $0, weights: $1, family: .electra, task: $2) },
        "llama": Entry(prefix: "model") { try LlamaModel(config: $0, weights: $1, task: $2) },
        "mistral": Entry(prefix: "model") { try LlamaModel(config: $0, weights: $1, task: $2) },
        "qwen2": Entry(prefix: "model") { try LlamaModel(config: $0, weights: $1, task: $2, qkvBias: true) },
        "gpt2": Entry(prefix: "transformer") { try GPT2Model(config: $0, weights: $1, task: $2) },
        "gpt_neox": Entry(prefix: "gpt_neox") { try GPTNeoXModel(config: $0, weights: $1, task: $2) },
        "opt": Entry(prefix: "model") { try OPTModel(config: $0, weights: $1, task: $2) },
        // Vision (issue 7)
        "vit": Entry(prefix: "vit") { try ViTModel(config: $0, weights: $1, task: $2) },
        "clip": Entry(prefix: "clip") { try CLIPModel(config: $0, weights: $1, task: $2) },
        "clip_text_model": Entry(prefix: "clip") { try CLIPModel(config: $0, weights: $1, task: $2) },
        "clip_vision_model": Entry(prefix: "clip") { try CLIPModel(config: $0, weights: $1, task: $2) },
        // Vision (depth estimation, super-resolution, classification backbones).
        "dpt": Entry(prefix: "dpt") { try DPTModel(config: $0, weights: $1, task: $2) },
        "glpn": Entry(prefix: "glpn") { try GLPNModel(config: $0, weights: $1, task: $2) },
        "swin2sr": Entry(prefix: "swin2sr") { try Swin2SRModel(config: $0, weights: $1, task: $2) },
        "resnet": Entry(prefix: "resnet") { try ResNetModel(config: $0, weights: $1, task: $2) },
        "mobilenet_v2": Entry(prefix: "mobilenet_v2") { try MobileNetV2Model(config: $0, weights: $1, task: $2) },
        "falcon": Entry(prefix: "transformer") { try FalconModel(config: $0, weights: $1, task: $2) },
    ]

    public static var supportedModelTypes: [String] { table.keys.sorted() }

    /// Builds `task`'s model for `config` from `tensors` (name → tensor, file order).
    /// `quantized`: matrices kept in their ggml block format (GGUF), multiplied directly by the layers that can.
    public static func build(config: PretrainedConfig, tensors: [(String, Tensor)], quantized: [(String, QuantizedMatrix)] = [],
                             source: String, task: ModelTask) throws -> (model: any PretrainedModel, report: LoadReport) {
        guard let entry = table[config.modelType] else {
            throw ModelError.unknownModelType(config.modelType, known: supportedModelTypes)
        }
        let weights = Weights(tensors, quantized: quantized, source: source, basePrefix: entry.prefix)
        let model = try entry.build(config, weights, task)
        var report = LoadReport(unexpected: weights.unexpectedNames, newlyInitialized: weights.newlyInitializedNames,
                                stateDict: moduleNames(weights.stateDict, prefix: entry.prefix, task: task),
                                architecture: architectureName(config: config, task: task))
        report.quantizedState = weights.ledger.quantizedState
        return (model, report)
    }
}

/// What `from_pretrained` would log: checkpoint tensors no module used, and head parameters that were initialized
/// because the checkpoint lacks them ("You should probably TRAIN this model…").
public struct LoadReport: Sendable {
    public let unexpected: [String]
    public let newlyInitialized: [String]
    /// The model's parameters by module name, for `save_pretrained`.
    public var stateDict: [String: Tensor] = [:]
    /// The Python class the model stands for (`BertForMaskedLM`), written as config.json's `architectures`.
    public var architecture: String? = nil
    /// Parameters the model keeps quantized (GGUF), by module name; `savePretrained` writes them dequantized.
    public var quantizedState: [String: QuantizedMatrix] = [:]
}
