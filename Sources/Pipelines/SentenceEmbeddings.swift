// Sentence embeddings as sentence-transformers computes them: tokens (truncated to max_seq_length) → the
// encoder's last_hidden_state → mean over the real tokens (attention mask) → L2 normalization.
import Foundation
import Hub
import Models
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
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(order.map { encodings[$0] }, batchSize: batchSize, fields: ["last_hidden_state": true])
        var result = [[Float]](repeating: [], count: sentences.count)
        for (position, index) in order.enumerated() {
            guard let hidden = outputs[position]["last_hidden_state"] else {
                throw PipelineError.modelOutputMissing("last_hidden_state")
            }
            var vector = clsPooling ? Array(hidden.row(0)) : Self.meanPool(hidden, mask: encodings[index].attentionMask)
            if normalize { Self.normalize(&vector) }
            result[index] = vector
        }
        return result
    }

    /// Mean of the rows whose mask is 1 (a zero-token sum is divided by 1e-9 as sentence-transformers clamps).
    static func meanPool(_ hidden: FloatArray, mask: [Int]) -> [Float] {
        let width = hidden.shape.count > 1 ? hidden.shape[1] : 0
        var sum = [Float](repeating: 0, count: width)
        var count: Float = 0
        for row in 0..<hidden.rows where row >= mask.count || mask[row] == 1 {
            let values = hidden.row(row)
            for (j, v) in values.enumerated() { sum[j] += v }
            count += 1
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
