import Hub
import Tensors

/// How the BERT-derived families differ below their heads. One backbone serves them all, so a fix in the
/// encoder reaches BERT, RoBERTa, XLM-RoBERTa and ELECTRA at once.
struct BertFamily: Sendable {
    /// `base_model_prefix`: the scope of the backbone inside head checkpoints.
    let prefix: String
    /// RoBERTa numbers positions from `padding_idx + 1`, skipping pads (`create_position_ids_from_input_ids`).
    let positionsAfterPadding: Bool
    /// ELECTRA's embeddings may be narrower than the encoder (`embedding_size`), projected by `embeddings_project`.
    let projectsEmbeddings: Bool

    static let bert = BertFamily(prefix: "bert", positionsAfterPadding: false, projectsEmbeddings: false)
    static let roberta = BertFamily(prefix: "roberta", positionsAfterPadding: true, projectsEmbeddings: false)
    static let electra = BertFamily(prefix: "electra", positionsAfterPadding: false, projectsEmbeddings: true)
    /// ALBERT's embeddings are BERT's at `embedding_size` width; its encoder is its own (Albert/Albert.swift).
    static let albert = BertFamily(prefix: "albert", positionsAfterPadding: false, projectsEmbeddings: true)
}

/// `BertEmbeddings` / `RobertaEmbeddings` / `ElectraEmbeddings`: word + position + token type, then LayerNorm.
struct BertEmbeddings: Sendable {
    let words: Embedding
    let positions: Embedding
    let tokenTypes: Embedding?
    let norm: LayerNorm
    let paddingIndex: Int?

    init(_ weights: Weights, _ d: EncoderDimensions, family: BertFamily, config: PretrainedConfig) throws {
        let width = family.projectsEmbeddings ? (config.int("embedding_size") ?? d.hidden) : d.hidden
        words = try Embedding(weights, "word_embeddings", count: d.vocab, dim: width)
        positions = try Embedding(weights, "position_embeddings", count: d.maxPositions, dim: width)
        tokenTypes = d.typeVocab > 0 ? try Embedding(weights, "token_type_embeddings", count: d.typeVocab, dim: width) : nil
        norm = try LayerNorm(weights, "LayerNorm", size: width, eps: d.eps)
        paddingIndex = family.positionsAfterPadding ? (config.padTokenId ?? 1) : nil
    }

    func callAsFunction(_ inputs: ModelInputs, ids: Tensor) throws -> Tensor {
        let (batch, length) = (ids.shape[0], ids.shape[1])
        let positionIds: Tensor
        if let given = inputs.positionIds {
            positionIds = given
        } else if let pad = paddingIndex {
            // cumsum(ids != pad) * (ids != pad) + pad: pads keep position `pad`, tokens count up from pad + 1.
            let notPad = try ids.ne(Scalar.int(Int64(pad))).to(.int64)
            positionIds = try notPad.cumsum(dim: 1).mul(notPad).add(Scalar.int(Int64(pad)))
        } else {
            positionIds = try Tensor.arange(0, Scalar.int(Int64(length))).unsqueeze(0).expand([batch, length])
        }
        let maxPosition = try positionIds.amax().item()
        guard Int(maxPosition) < positions.weight.shape[0] else {
            throw ModelError.invalidInput(
                "the sequence needs position \(Int(maxPosition)) but the model has \(positions.weight.shape[0]) position embeddings (max_position_embeddings); truncate the input (truncation=True)")
        }
        var embedded = try words(ids).add(positions(positionIds))
        if let tokenTypes {
            let types = inputs.tokenTypeIds ?? Tensor.zeros([batch, length], dtype: .int64)
            embedded = try embedded.add(tokenTypes(types))
        }
        return try norm(embedded)
    }
}

/// `BertModel` (and its RoBERTa/ELECTRA twins): embeddings, encoder, and the optional tanh pooler over the first
/// token. Names are relative to the family prefix, which `Weights` resolves for base and head checkpoints alike.
struct BertBackbone: Sendable {
    let dimensions: EncoderDimensions
    let embeddings: BertEmbeddings
    let projection: Linear?
    let encoder: BertEncoder
    let pooler: Linear?

    init(_ weights: Weights, config: PretrainedConfig, family: BertFamily, withPooler: Bool) throws {
        let d = try EncoderDimensions(config)
        dimensions = d
        let scope = weights.scoped(family.prefix)
        embeddings = try BertEmbeddings(scope.scoped("embeddings"), d, family: family, config: config)
        let width = embeddings.words.weight.shape[1]
        projection = family.projectsEmbeddings && width != d.hidden
            ? try Linear(scope, "embeddings_project", in: width, out: d.hidden) : nil
        encoder = try BertEncoder(scope.scoped("encoder"), d)
        pooler = withPooler
            ? try Linear(initializingIfMissing: scope.scoped("pooler"), "dense", in: d.hidden, out: d.hidden, std: d.initializerRange)
            : nil
    }

    /// Runs the backbone; `output` receives last_hidden_state, pooler_output, hidden_states, attentions.
    func callAsFunction(_ inputs: ModelInputs, into output: inout ModelOutput) throws -> (sequence: Tensor, pooled: Tensor?) {
        guard let ids = inputs.inputIds else { throw ModelError.invalidInput("You have to specify input_ids") }
        guard ids.rank == 2 else {
            throw ModelError.invalidInput("input_ids must be [batch, sequence], got \(ids.shape)")
        }
        var hidden = try embeddings(inputs, ids: ids)
        if let projection { hidden = try projection(hidden) }
        let sequence = try encoder(hidden, attentionMask: inputs.attentionMask, inputs: inputs, into: &output)
        var pooled: Tensor? = nil
        if let pooler {
            let firstToken = try pooler(sequence.select(1, 0)).tanh()
            output.set("pooler_output", firstToken)
            pooled = firstToken
        }
        return (sequence, pooled)
    }
}
