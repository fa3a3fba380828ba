import Hub
import Tensors

// The task heads of modeling_bert.py, modeling_roberta.py and modeling_electra.py over the shared backbone. The
// families name and shape them differently; each difference is one switch on the family here.

/// The masked-LM head: transform (dense, activation, LayerNorm), then the decoder tied to the word embeddings.
/// BERT: `cls.predictions.*` with `hidden_act`; RoBERTa: `lm_head.*` with GELU; ELECTRA: `generator_predictions.*` +
/// `generator_lm_head`, with GELU, projecting from `embedding_size`.
struct MaskedLMHead: Sendable {
    let dense: Linear
    let activation: Activation
    let norm: LayerNorm
    let decoderWeight: Tensor
    let bias: Tensor

    init(_ weights: Weights, config: PretrainedConfig, family: BertFamily, backbone: BertBackbone) throws {
        let d = backbone.dimensions
        let embeddings = backbone.embeddings.words.weight
        let width = embeddings.shape[1]
        let transform: Weights, decoder: Weights, normName: String
        switch family.prefix {
        case "roberta":
            transform = weights.scoped("lm_head"); decoder = transform.scoped("decoder"); normName = "layer_norm"
            activation = .gelu
        case "electra":
            transform = weights.scoped("generator_predictions"); decoder = weights.scoped("generator_lm_head")
            normName = "LayerNorm"; activation = .gelu
        default:
            transform = weights.scoped("cls.predictions.transform"); decoder = weights.scoped("cls.predictions.decoder")
            normName = "LayerNorm"; activation = d.activation
        }
        dense = try Linear(transform, "dense", in: d.hidden, out: width)
        norm = try LayerNorm(transform, normName, size: width, eps: d.eps)
        if config.tieWordEmbeddings {
            decoderWeight = embeddings
            decoder.markUsed("weight")
        } else {
            decoderWeight = try decoder.tensor("weight", shape: [d.vocab, width])
        }
        // The bias lives beside the decoder (`cls.predictions.bias`, `lm_head.bias`) and is tied to `decoder.bias`.
        let biasOwner = family.prefix == "electra" ? decoder : (family.prefix == "roberta" ? weights.scoped("lm_head") : weights.scoped("cls.predictions"))
        if biasOwner.contains("bias") {
            bias = try biasOwner.tensor("bias", shape: [d.vocab])
            decoder.markUsed("bias")
        } else {
            bias = try decoder.tensor("bias", shape: [d.vocab])
        }
    }

    func callAsFunction(_ sequence: Tensor) throws -> Tensor {
        try norm(activation(dense(sequence))).linear(weight: decoderWeight, bias: bias)
    }
}

/// Sequence-level classifier: BERT's `classifier` on the pooled output, or RoBERTa's/ELECTRA's
/// `classifier.dense → tanh|gelu → classifier.out_proj` on the first token.
struct SequenceClassifierHead: Sendable {
    let dense: Linear?
    let activation: Activation
    let projection: Linear
    let usesPooler: Bool

    init(_ weights: Weights, family: BertFamily, dimensions d: EncoderDimensions, labels: Int) throws {
        if family.prefix == "bert" {
            dense = nil
            activation = .tanh
            projection = try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: labels, std: d.initializerRange)
            usesPooler = true
        } else {
            let head = weights.scoped("classifier")
            dense = try Linear(initializingIfMissing: head, "dense", in: d.hidden, out: d.hidden, std: d.initializerRange)
            activation = family.prefix == "electra" ? .gelu : .tanh
            projection = try Linear(initializingIfMissing: head, "out_proj", in: d.hidden, out: labels, std: d.initializerRange)
            usesPooler = false
        }
    }

    func callAsFunction(sequence: Tensor, pooled: Tensor?) throws -> Tensor {
        if usesPooler, let pooled { return try projection(pooled) }
        var x = try sequence.select(1, 0)
        if let dense { x = try activation(dense(x)) }
        return try projection(x)
    }
}

/// The model classes of the BERT-derived families: a backbone and one head, with the reference's output names.
final class BertStyleModel: PretrainedModel, @unchecked Sendable {
    enum Head {
        case none
        case maskedLM(MaskedLMHead)
        case sequenceClassification(SequenceClassifierHead)
        case tokenClassification(Linear)
        case questionAnswering(Linear)
        /// The pooled (BERT/RoBERTa) or summarized first token (ELECTRA's `sequence_summary`) → one score per choice.
        case multipleChoice(summary: Linear?, classifier: Linear)
    }

    let config: PretrainedConfig
    let backbone: BertBackbone
    let head: Head

    init(config: PretrainedConfig, weights: Weights, family: BertFamily, task: ModelTask) throws {
        self.config = config
        let pooler: Bool
        switch task {
        case .base: pooler = family.prefix != "electra"
        case .sequenceClassification: pooler = family.prefix == "bert"
        case .multipleChoice: pooler = family.prefix != "electra"
        default: pooler = false
        }
        backbone = try BertBackbone(weights, config: config, family: family, withPooler: pooler)
        let d = backbone.dimensions
        switch task {
        case .base:
            head = .none
        case .maskedLM:
            head = .maskedLM(try MaskedLMHead(weights, config: config, family: family, backbone: backbone))
        case .sequenceClassification:
            head = .sequenceClassification(try SequenceClassifierHead(weights, family: family, dimensions: d, labels: d.numLabels))
        case .tokenClassification:
            head = .tokenClassification(try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: d.numLabels, std: d.initializerRange))
        case .questionAnswering:
            head = .questionAnswering(try Linear(initializingIfMissing: weights, "qa_outputs", in: d.hidden, out: 2, std: d.initializerRange))
        case .multipleChoice:
            let summary = family.prefix == "electra"
                ? try Linear(initializingIfMissing: weights.scoped("sequence_summary"), "summary", in: d.hidden, out: d.hidden, std: d.initializerRange)
                : nil
            head = .multipleChoice(summary: summary, classifier: try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: 1, std: d.initializerRange))
        default:
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        if case .multipleChoice(let summary, let classifier) = head { return try multipleChoice(inputs, summary, classifier) }
        var output = ModelOutput(head.outputClassName)
        let (sequence, pooled) = try backbone(inputs, into: &output)
        switch head {
        case .none, .multipleChoice:
            break
        case .maskedLM(let lm):
            output.set("logits", try lm(sequence))
            output.remove(["last_hidden_state", "pooler_output"])
        case .sequenceClassification(let classifier):
            output.set("logits", try classifier(sequence: sequence, pooled: pooled))
            output.remove(["last_hidden_state", "pooler_output"])
        case .tokenClassification(let classifier):
            output.set("logits", try classifier(sequence))
            output.remove(["last_hidden_state", "pooler_output"])
        case .questionAnswering(let qa):
            let logits = try qa(sequence)
            try output.setSpanLogits(logits)
            output.remove(["last_hidden_state", "pooler_output"])
        }
        return output
    }

    /// [batch, choices, seq] inputs are flattened to [batch·choices, seq], scored, and reshaped to [batch, choices].
    private func multipleChoice(_ inputs: ModelInputs, _ summary: Linear?, _ classifier: Linear) throws -> ModelOutput {
        let (flattened, choiceShape) = try inputs.flattenedChoices()
        var output = ModelOutput("MultipleChoiceModelOutput")
        let (sequence, pooled) = try backbone(flattened, into: &output)
        var features: Tensor
        if let summary {
            features = try Activation.gelu(summary(sequence.select(1, 0)))
        } else if let pooled {
            features = pooled
        } else {
            features = try sequence.select(1, 0)
        }
        features = try classifier(features)
        output.set("logits", try features.reshape(choiceShape))
        output.remove(["last_hidden_state", "pooler_output"])
        return output
    }
}

extension BertStyleModel.Head {
    var outputClassName: String {
        switch self {
        case .none: "BaseModelOutputWithPoolingAndCrossAttentions"
        case .maskedLM: "MaskedLMOutput"
        case .sequenceClassification: "SequenceClassifierOutput"
        case .tokenClassification: "TokenClassifierOutput"
        case .questionAnswering: "QuestionAnsweringModelOutput"
        case .multipleChoice: "MultipleChoiceModelOutput"
        }
    }
}
