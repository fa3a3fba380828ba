// fill-mask (reference transformers/pipelines/fill_mask.py): the top-k tokens for each mask with their
// probabilities, the filled-in sequence, and `targets` restricting the candidates.
import Models
import Tokenizers

public struct FillMaskPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer
    let maskId: Int

    init(components: PipelineComponents) throws {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
        guard let id = tokenizer.maskTokenId else {
            throw PipelineError.invalidArgument("fill-mask: the tokenizer does not define a `mask_token`")
        }
        maskId = id
    }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["top_k", "targets"])
        let targetIds = try options.strings("targets").map(targetIds)
        var topK = try options.int("top_k") ?? 5
        if let targetIds { topK = min(topK, targetIds.count) }
        guard topK >= 1 else { throw PipelineError.invalidArgument("fill-mask: top_k must be ≥ 1, got \(topK)") }

        let (items, isBatch) = inputs.pipelineItems
        var encodings: [Encoding] = []
        for item in items {
            let text = try item.requireString("fill-mask input")
            let encoding = try tokenizer([text]).encodings[0]
            guard encoding.ids.contains(maskId) else {
                throw PipelineError.invalidInput("fill-mask: no mask_token (\(tokenizer.maskToken ?? "")) found on the input")
            }
            encodings.append(encoding)
        }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(encodings, batchSize: try options.batchSize(), fields: ["logits": true])
        var results: [PipelineValue] = []
        for (encoding, output) in zip(encodings, outputs) {
            guard let logits = output["logits"] else { throw PipelineError.modelOutputMissing("logits") }
            results.append(try predictions(encoding.ids, logits: logits, topK: topK, targetIds: targetIds))
        }
        // The reference unwraps a one-element list input as well as a plain string.
        return isBatch && results.count != 1 ? .list(results) : results[0]
    }

    /// One input's candidates: a list of dicts for one mask, a list of such lists for several.
    private func predictions(_ ids: [Int], logits: FloatArray, topK: Int, targetIds: [Int]?) throws -> PipelineValue {
        let maskPositions = ids.indices.filter { ids[$0] == maskId }
        let singleMask = maskPositions.count == 1
        let padId = tokenizer.padTokenId
        var rows: [PipelineValue] = []
        for position in maskPositions {
            var probabilities = ScoreMath.softmax(logits.row(position))
            if let targetIds { probabilities = targetIds.map { probabilities[$0] } }
            var row: [PipelineValue] = []
            for index in ScoreMath.topIndices(probabilities, k: topK) {
                let token = targetIds?[index] ?? index
                var filled = ids
                filled[position] = token
                filled.removeAll { $0 == padId }
                row.append(.dict([
                    ("score", .double(Double(probabilities[index]))),
                    ("token", .int(token)),
                    ("token_str", .string(try tokenizer.decode([token]))),
                    ("sequence", .string(try tokenizer.decode(filled, skipSpecialTokens: singleMask))),
                ]))
            }
            rows.append(.list(row))
        }
        return singleMask ? rows[0] : .list(rows)
    }

    /// Each target's vocabulary id, or the first token of its encoding when it is not a vocabulary entry;
    /// duplicates removed (the reference's `get_target_ids`).
    private func targetIds(_ targets: [String]) throws -> [Int] {
        var ids: [Int] = []
        for target in targets {
            if let id = tokenizer.backend.tokenToId(target) {
                if !ids.contains(id) { ids.append(id) }
                continue
            }
            guard let first = try tokenizer.encode(target, addSpecialTokens: false).first else { continue }
            if !ids.contains(first) { ids.append(first) }
        }
        guard !ids.isEmpty else { throw PipelineError.invalidArgument("fill-mask: at least one target must be provided when passed") }
        return ids
    }
}
