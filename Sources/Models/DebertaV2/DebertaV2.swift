import Hub
import Tensors

// DeBERTa-v2/v3 (He et al. 2021), following transformers/models/deberta_v2/modeling_deberta_v2.py: BERT-style
// post-norm layers whose attention adds content→position (c2p) and position→content (p2c) terms computed from
// shared relative-position embeddings (`encoder.rel_embeddings`, optionally LayerNorm'ed), with a [L × L] pair mask.

/// `DisentangledSelfAttention` + `DebertaV2SelfOutput`, then the BERT-style feed-forward of `DebertaV2Layer`.
struct DebertaV2Layer: Sendable {
    let query, key, value: Linear
    let positionKey, positionQuery: Linear?  // only when share_att_key is false
    let attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate, output: Linear
    let outputNorm: LayerNorm
    let heads: Int
    let activation: Activation

    init(_ weights: Weights, _ d: EncoderDimensions, shareKeys: Bool, c2p: Bool, p2c: Bool) throws {
        let attention = weights.scoped("attention.self")
        query = try Linear(attention, "query_proj", in: d.hidden, out: d.hidden)
        key = try Linear(attention, "key_proj", in: d.hidden, out: d.hidden)
        value = try Linear(attention, "value_proj", in: d.hidden, out: d.hidden)
        positionKey = !shareKeys && c2p ? try Linear(attention, "pos_key_proj", in: d.hidden, out: d.hidden) : nil
        positionQuery = !shareKeys && p2c ? try Linear(attention, "pos_query_proj", in: d.hidden, out: d.hidden) : nil
        attentionOutput = try Linear(weights.scoped("attention.output"), "dense", in: d.hidden, out: d.hidden)
        attentionNorm = try LayerNorm(weights.scoped("attention.output"), "LayerNorm", size: d.hidden, eps: d.eps)
        intermediate = try Linear(weights.scoped("intermediate"), "dense", in: d.hidden, out: d.intermediate)
        output = try Linear(weights.scoped("output"), "dense", in: d.intermediate, out: d.hidden)
        outputNorm = try LayerNorm(weights.scoped("output"), "LayerNorm", size: d.hidden, eps: d.eps)
        heads = d.heads
        activation = d.activation
    }
}

final class DebertaV2Model: PretrainedModel, @unchecked Sendable {
    enum Head {
        case none
        case maskedLM(dense: Linear, norm: LayerNorm, decoderWeight: Tensor, bias: Tensor)
        case sequenceClassification(pooler: Linear, classifier: Linear)
        case tokenClassification(Linear), questionAnswering(Linear)
        case multipleChoice(pooler: Linear, classifier: Linear)
    }

    let config: PretrainedConfig
    let d: EncoderDimensions
    let words: Embedding
    let positions: Embedding?
    let tokenTypes: Embedding?
    let embedProjection: Linear?
    let embeddingNorm: LayerNorm
    let layers: [DebertaV2Layer]
    let relativeEmbeddings: Tensor?  // after the optional LayerNorm; [2·span, hidden]
    let span: Int
    let bucketSize: Int, maxRelativePositions: Int
    let c2p: Bool, p2c: Bool, shareKeys: Bool
    let poolerActivation: Activation
    let head: Head

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        self.config = config
        d = try EncoderDimensions(config)
        let base = weights.scoped("deberta")
        let embeddingSize = config.int("embedding_size") ?? d.hidden
        words = try Embedding(base.scoped("embeddings"), "word_embeddings", count: d.vocab, dim: embeddingSize)
        let biasedInput = config.bool("position_biased_input") ?? true
        positions = biasedInput ? try Embedding(base.scoped("embeddings"), "position_embeddings", count: d.maxPositions, dim: embeddingSize) : nil
        tokenTypes = d.typeVocab > 0 ? try Embedding(base.scoped("embeddings"), "token_type_embeddings", count: d.typeVocab, dim: embeddingSize) : nil
        embedProjection = embeddingSize != d.hidden
            ? try Linear(base.scoped("embeddings"), "embed_proj", in: embeddingSize, out: d.hidden, bias: false) : nil
        embeddingNorm = try LayerNorm(base.scoped("embeddings"), "LayerNorm", size: d.hidden, eps: d.eps)

        let attentionTypes = (config["pos_att_type"]?.arrayValue?.compactMap(\.stringValue))
            ?? (config.string("pos_att_type")?.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
        c2p = attentionTypes.contains("c2p")
        p2c = attentionTypes.contains("p2c")
        shareKeys = config.bool("share_att_key") ?? false
        let relative = config.bool("relative_attention") ?? false
        var maxRelative = config.int("max_relative_positions") ?? -1
        if maxRelative < 1 { maxRelative = d.maxPositions }
        maxRelativePositions = maxRelative
        bucketSize = config.int("position_buckets") ?? -1
        span = bucketSize > 0 ? bucketSize : maxRelative
        if (config.int("conv_kernel_size") ?? 0) > 0 {
            throw ModelError.invalidConfig("DeBERTa-v2 with conv_kernel_size > 0 (the convolution layer of v2-xlarge) is not supported yet")
        }
        let encoder = base.scoped("encoder")
        if relative {
            var table = try encoder.scoped("rel_embeddings").tensor("weight", shape: [span * 2, d.hidden])
            let norms = (config.string("norm_rel_ebd") ?? "none").lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if norms.contains("layer_norm") { table = try LayerNorm(encoder, "LayerNorm", size: d.hidden, eps: d.eps)(table) }
            relativeEmbeddings = table
        } else {
            relativeEmbeddings = nil
        }
        layers = try (0..<d.layers).map { [d, shareKeys, c2p, p2c] in
            try DebertaV2Layer(encoder.scoped("layer.\($0)"), d, shareKeys: shareKeys, c2p: c2p, p2c: p2c)
        }
        poolerActivation = try Activation(config: config.string("pooler_hidden_act") ?? "gelu")
        let std = d.initializerRange
        let poolerSize = config.int("pooler_hidden_size") ?? d.hidden
        switch task {
        case .base: head = .none
        case .maskedLM:
            let legacy = config.bool("legacy") ?? true
            let scope = legacy ? weights.scoped("cls.predictions") : weights.scoped("lm_predictions.lm_head")
            let transform = legacy ? scope.scoped("transform") : scope
            let width = legacy ? embeddingSize : d.hidden
            let decoderWeight: Tensor
            if legacy && !config.tieWordEmbeddings {
                decoderWeight = try scope.scoped("decoder").tensor("weight", shape: [d.vocab, width])
            } else {
                decoderWeight = words.weight
                scope.scoped("decoder").markUsed("weight")
            }
            scope.scoped("decoder").markUsed("bias")
            head = .maskedLM(dense: try Linear(transform, "dense", in: d.hidden, out: width),
                             norm: try LayerNorm(transform, "LayerNorm", size: width, eps: d.eps),
                             decoderWeight: decoderWeight, bias: try scope.tensor("bias", shape: [d.vocab]))
        case .sequenceClassification:
            head = .sequenceClassification(
                pooler: try Linear(initializingIfMissing: weights.scoped("pooler"), "dense", in: poolerSize, out: poolerSize, std: std),
                classifier: try Linear(initializingIfMissing: weights, "classifier", in: poolerSize, out: d.numLabels, std: std))
        case .tokenClassification:
            head = .tokenClassification(try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: d.numLabels, std: std))
        case .questionAnswering:
            head = .questionAnswering(try Linear(initializingIfMissing: weights, "qa_outputs", in: d.hidden, out: 2, std: std))
        case .multipleChoice:
            head = .multipleChoice(
                pooler: try Linear(initializingIfMissing: weights.scoped("pooler"), "dense", in: poolerSize, out: poolerSize, std: std),
                classifier: try Linear(initializingIfMissing: weights, "classifier", in: poolerSize, out: 1, std: std))
        case .causalLM, .imageClassification, .zeroShotImageClassification, .depthEstimation, .imageToImage:
            throw ModelError.unsupportedTask(modelType: "deberta-v2", task: task.rawValue)
        }
    }

    // MARK: Forward

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var modelInputs = inputs
        var choiceShape: [Int]? = nil
        if case .multipleChoice = head { (modelInputs, choiceShape) = try inputs.flattenedChoices() }
        var output = ModelOutput("BaseModelOutput")
        let hidden = try encode(modelInputs, into: &output)
        switch head {
        case .none: return output
        case .maskedLM(let dense, let norm, let decoderWeight, let bias):
            output.className = "MaskedLMOutput"
            output.set("logits", try norm(d.activation(dense(hidden))).linear(weight: decoderWeight, bias: bias))
        case .sequenceClassification(let pooler, let classifier):
            output.className = "SequenceClassifierOutput"
            output.set("logits", try classifier(poolerActivation(pooler(hidden.select(1, 0)))))
        case .tokenClassification(let classifier):
            output.className = "TokenClassifierOutput"
            output.set("logits", try classifier(hidden))
        case .questionAnswering(let qa):
            output.className = "QuestionAnsweringModelOutput"
            let logits = try qa(hidden)
            try output.setSpanLogits(logits)
        case .multipleChoice(let pooler, let classifier):
            output.className = "MultipleChoiceModelOutput"
            output.set("logits", try classifier(poolerActivation(pooler(hidden.select(1, 0)))).reshape(choiceShape ?? [-1]))
        }
        output.remove(["last_hidden_state"])
        return output
    }

    private func encode(_ inputs: ModelInputs, into output: inout ModelOutput) throws -> Tensor {
        guard let ids = inputs.inputIds, ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence]") }
        let (batch, length) = (ids.shape[0], ids.shape[1])
        let mask = try inputs.attentionMask?.to(.float32) ?? Tensor.ones([batch, length])
        var embedded = try words(ids)
        if let positions {
            guard length <= positions.weight.shape[0] else {
                throw ModelError.invalidInput("sequence length \(length) exceeds max_position_embeddings (\(positions.weight.shape[0])); truncate the input")
            }
            embedded = try embedded.add(positions(inputs.positionIds ?? Tensor.arange(0, Scalar.int(Int64(length))).unsqueeze(0)))
        }
        if let tokenTypes { embedded = try embedded.add(tokenTypes(inputs.tokenTypeIds ?? Tensor.zeros([batch, length], dtype: .int64))) }
        if let embedProjection { embedded = try embedProjection(embedded) }
        var hidden = try embeddingNorm(embedded).mul(mask.unsqueeze(2))

        // Pair mask [batch, 1, L, L]: query i may attend key j when both are real tokens.
        let pairMask = try mask.unsqueeze(1).unsqueeze(2).mul(mask.unsqueeze(1).unsqueeze(3)).ne(Scalar.int(0))
        let relative = RelativePositions.build(queries: length, keys: length, bucketSize: bucketSize, maxPosition: maxRelativePositions)
        var all = [hidden], attentions: [Tensor] = []
        for layer in layers {
            let (attended, probabilities) = try attention(layer, hidden, pairMask: pairMask, relative: relative, wantProbabilities: inputs.outputAttentions)
            hidden = try layer.outputNorm(layer.output(layer.activation(layer.intermediate(attended))).add(attended))
            all.append(hidden)
            if let probabilities { attentions.append(probabilities) }
        }
        output.set("last_hidden_state", hidden)
        if inputs.outputHiddenStates { output.set("hidden_states", all) }
        if inputs.outputAttentions { output.set("attentions", attentions) }
        return hidden
    }

    /// `DisentangledSelfAttention.forward` + `DebertaV2SelfOutput`.
    private func attention(_ layer: DebertaV2Layer, _ x: Tensor, pairMask: Tensor, relative: [Int],
                           wantProbabilities: Bool) throws -> (Tensor, Tensor?) {
        let heads = layer.heads
        let q = try MultiHeadAttention.splitHeads(layer.query(x), heads: heads).contiguous()  // [B, H, L, D]
        let k = try MultiHeadAttention.splitHeads(layer.key(x), heads: heads).contiguous()
        let v = try MultiHeadAttention.splitHeads(layer.value(x), heads: heads)
        let (batch, length, headDim) = (q.shape[0], q.shape[2], q.shape[3])
        let scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0)
        let scale = (Float(headDim) * Float(scaleFactor)).squareRoot()
        // The reference divides the keys by the scale before the product; so do we, for identical rounding.
        var scores = try q.matmul(k.transpose(-1, -2).div(Scalar.float(Double(scale))))  // [B, H, L, L]
        if let table = relativeEmbeddings, c2p || p2c {
            let rows = try table.narrow(0, start: 0, length: min(span * 2, table.shape[0]))
            let positionKey = try MultiHeadAttention.splitHeads((layer.positionKey ?? layer.key)(rows.unsqueeze(0)), heads: heads)  // [1, H, 2S, D]
            let positionQuery = try MultiHeadAttention.splitHeads((layer.positionQuery ?? layer.query)(rows.unsqueeze(0)), heads: heads)
            var bias = Tensor.zeros([batch, heads, length, length])
            if c2p {
                let c2pScores = try q.matmul(positionKey.transpose(-1, -2)).contiguous()  // [B, H, L, 2S]
                bias = try bias.add(gatherRelative(c2pScores, relative: relative, length: length, transposed: false).div(Scalar.float(Double(scale))))
            }
            if p2c {
                let p2cScores = try k.matmul(positionQuery.transpose(-1, -2)).contiguous()  // [B, H, L(keys), 2S]
                bias = try bias.add(gatherRelative(p2cScores, relative: relative, length: length, transposed: true).div(Scalar.float(Double(scale))))
            }
            scores = try scores.add(bias)
        }
        // masked_fill(~mask, finfo.min), then softmax: fully masked (padding) rows become uniform, as in the reference.
        scores = try scores.maskedFill(pairMask.logicalNot(), Scalar.float(-Double(Float.greatestFiniteMagnitude)))
        let probabilities = try scores.softmax(dim: -1)
        let context = try MultiHeadAttention.mergeHeads(probabilities.matmul(v))
        let attended = try layer.attentionNorm(layer.attentionOutput(context).add(x))
        return (attended, wantProbabilities ? probabilities : nil)
    }

    /// c2p: out[b,h,i,j] = scores[b,h,i, clamp(rel(i,j) + S)]; p2c: out[b,h,i,j] = scores[b,h,j, clamp(−rel(j,i) + S)]
    /// (the reference's `gather` along the last dimension, then the transpose for p2c).
    private func gatherRelative(_ scores: Tensor, relative: [Int], length: Int, transposed: Bool) throws -> Tensor {
        let (batch, heads, width) = (scores.shape[0], scores.shape[1], scores.shape[3])
        let source = scores.floats()
        var result = [Float](repeating: 0, count: batch * heads * length * length)
        let upper = span * 2 - 1
        for plane in 0..<(batch * heads) {
            let base = plane * length * width, out = plane * length * length
            for i in 0..<length {
                for j in 0..<length {
                    if transposed {
                        let index = min(max(-relative[j * length + i] + span, 0), upper)
                        result[out + i * length + j] = source[base + j * width + index]
                    } else {
                        let index = min(max(relative[i * length + j] + span, 0), upper)
                        result[out + i * length + j] = source[base + i * width + index]
                    }
                }
            }
        }
        return try Tensor(result, shape: [batch, heads, length, length])
    }
}
