// Sentence embeddings as sentence-transformers computes them: tokens (truncated to max_seq_length) → the
// encoder's last_hidden_state → mean over the real tokens (attention mask) → L2 normalization.
import Foundation
import Hub
import Models
import Tensors
import Tokenizers

public struct SentenceEmbeddings: Sendable {
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer
    /// sentence_bert_config.json `max_seq_length` (else the tokenizer's model_max_length).
    public let maxSequenceLength: Int?
    /// 1_Pooling/config.json: mean pooling unless it asks for the [CLS] token.
    public let clsPooling: Bool

    public init(model: any PretrainedModel, tokenizer: PreTrainedTokenizer, maxSequenceLength: Int? = nil,
                clsPooling: Bool = false) {
        self.model = model
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength ?? tokenizer.modelMaxLength
        self.clsPooling = clsPooling
    }

    /// Loads a sentence-transformers folder or repo id (model, tokenizer, max_seq_length, pooling mode).
    public static func fromPretrained(_ reference: String, hub: Hub = Hub()) throws -> SentenceEmbeddings {
        let (model, _) = try AutoModel.fromPretrained(reference, task: .base, hub: hub)
        let folder = try AutoModel.modelFolder(reference, hub: hub)
        let tokenizer = try AutoTokenizer.fromPretrained(folder)
        func json(_ name: String) -> [String: Any]? {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
        let maxLength = json("sentence_bert_config.json")?["max_seq_length"] as? Int
        let cls = (json("1_Pooling/config.json")?["pooling_mode_cls_token"] as? Bool) ?? false
        return SentenceEmbeddings(model: model, tokenizer: tokenizer, maxSequenceLength: maxLength, clsPooling: cls)
    }

    /// One embedding per sentence, `normalize`d to unit length as `SentenceTransformer.encode(normalize_embeddings=True)`
    /// (all-MiniLM-L6-v2's Normalize module does it always).
    public func encode(_ sentences: [String], batchSize: Int = 32, normalize: Bool = true) throws -> [[Float]] {
        guard batchSize >= 1 else { throw PipelineError.invalidArgument("batch_size must be ≥ 1, got \(batchSize)") }
        let encodings = try tokenizer(sentences, truncation: maxSequenceLength != nil, maxLength: maxSequenceLength).encodings
        // Sort by length so each batch pads little (sentence-transformers does the same), then restore order.
        let order = encodings.indices.sorted { encodings[$0].count > encodings[$1].count }
        let sorted = order.map { encodings[$0] }
        var result = [[Float]](repeating: [], count: sentences.count)
        let runner = ModelRunner(model: model, tokenizer: tokenizer)
        let padLeft = tokenizer.paddingSide == .left
        try runner.forEachBatch(sorted, batchSize: batchSize) { range, output in
            guard let hidden = output.tensor("last_hidden_state") else {
                throw PipelineError.modelOutputMissing("last_hidden_state")
            }
            // Pool straight from the batch's [rows, length, width] output: no per-sentence copies.
            let dense = hidden.to(.float32).contiguous()
            let (length, width) = (dense.shape[1], dense.shape[2])
            withExtendedLifetime(dense) {
                let base = dense.basePointer(as: Float.self)
                for (row, position) in range.enumerated() {
                    let encoding = sorted[position]
                    let shift = padLeft ? length - encoding.count : 0
                    let rows = UnsafeBufferPointer(start: base + (row * length + shift) * width, count: encoding.count * width)
                    var vector = clsPooling
                        ? Array(rows.prefix(width)) : Self.meanPool(rows, width: width, mask: encoding.attentionMask)
                    if normalize { Self.normalize(&vector) }
                    result[order[position]] = vector
                }
            }
        }
        return result
    }

    /// Mean of the token rows (`width` floats each) whose mask is 1; a zero-token sum is divided by 1e-9 as
    /// sentence-transformers clamps.
    static func meanPool(_ hidden: UnsafeBufferPointer<Float>, width: Int, mask: [Int]) -> [Float] {
        var sum = [Float](repeating: 0, count: width)
        var count: Float = 0
        let tokens = width > 0 ? hidden.count / width : 0
        guard let start = hidden.baseAddress else { return sum }
        sum.withUnsafeMutableBufferPointer { total in
            for token in 0..<tokens where token >= mask.count || mask[token] == 1 {
                let row = start + token * width
                for j in 0..<width { total[j] += row[j] }
                count += 1
            }
        }
        let divisor = max(count, 1e-9)
        return sum.map { $0 / divisor }
    }

    /// x / max(‖x‖₂, 1e-12), as torch.nn.functional.normalize.
    static func normalize(_ vector: inout [Float]) {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let divisor = max(norm, 1e-12)
        for i in vector.indices { vector[i] /= divisor }
    }

    /// Cosine similarity of unit vectors: their dot product (sentence-transformers `util.cos_sim` on normalized
    /// embeddings).
    public static func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / max(na * nb, 1e-8)
    }
}
