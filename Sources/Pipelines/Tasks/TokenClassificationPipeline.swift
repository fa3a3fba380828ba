// token-classification / ner (reference transformers/pipelines/token_classification.py): per-token labels, or
// entities grouped with aggregation_strategy none/simple/first/average/max, with character start/end and words.
import Models
import Tokenizers

public struct TokenClassificationPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    init(components: PipelineComponents) {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
    }

    public enum Aggregation: String, Sendable { case none, simple, first, average, max }

    /// A token before aggregation (the reference's `pre_entity`).
    struct PreEntity {
        var word: String
        var scores: [Float]
        var start: Int
        var end: Int
        var index: Int
        var isSubword: Bool
    }

    /// A labelled token or word, and after grouping an entity span.
    struct Entity {
        var label: String
        var score: Double
        var index: Int?
        var word: String
        var start: Int
        var end: Int
    }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["aggregation_strategy", "ignore_labels", "stride"])
        let name = try options.string("aggregation_strategy") ?? "none"
        guard let aggregation = Aggregation(rawValue: name.lowercased()) else {
            throw PipelineError.invalidArgument(
                "aggregation_strategy must be one of none, simple, first, average, max; got '\(name)'")
        }
        let ignore = try options.strings("ignore_labels") ?? ["O"]
        let stride = try options.int("stride")
        if let stride { try checkStride(stride, aggregation: aggregation) }

        let (items, isBatch) = inputs.pipelineItems
        var sentences: [String] = []
        var windows: [[Encoding]] = []
        for item in items {
            let sentence = try item.requireString("token-classification input")
            sentences.append(sentence)
            windows.append(try encode(sentence, stride: stride))
        }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(windows.flatMap { $0 }, batchSize: try options.batchSize(), fields: ["logits": true])
        var results: [PipelineValue] = []
        var next = 0
        for (sentence, chunks) in zip(sentences, windows) {
            let scalars = Array(sentence.unicodeScalars)
            var entities: [Entity] = []
            for encoding in chunks {
                guard let logits = outputs[next]["logits"] else { throw PipelineError.modelOutputMissing("logits") }
                next += 1
                let pre = try preEntities(scalars, encoding: encoding, logits: logits)
                entities += try aggregate(pre, aggregation).filter { !ignore.contains($0.label) }
            }
            if chunks.count > 1 { entities = Self.mergeOverlapping(entities) }
            results.append(.list(entities.map { render($0, grouped: aggregation != .none) }))
        }
        return isBatch ? .list(results) : results[0]
    }

    // MARK: Long inputs

    /// The reference's checks on `stride=` (in `_sanitize_parameters`), with its messages.
    private func checkStride(_ stride: Int, aggregation: Aggregation) throws {
        if let limit = tokenizer.modelMaxLength, stride >= limit {
            throw PipelineError.invalidArgument(
                "`stride` (\(stride)) must be less than `tokenizer.model_max_length` (\(limit)) (or even lower if the tokenizer adds special tokens)")
        }
        guard stride >= 0 else { throw PipelineError.invalidArgument("`stride` must be ≥ 0, got \(stride)") }
        if aggregation == .none {
            throw PipelineError.invalidArgument(
                "`stride` was provided to process all the text but `aggregation_strategy=\"none\"`, please select another one instead.")
        }
    }

    /// One encoding truncated to `model_max_length`, or with `stride` every window of it (the reference's
    /// `return_overflowing_tokens=True`): windows overlap by `stride` tokens and keep offsets into the whole text.
    private func encode(_ sentence: String, stride: Int?) throws -> [Encoding] {
        guard let limit = tokenizer.modelMaxLength, limit > 0 else {
            return [try tokenizer([sentence]).encodings[0]]
        }
        guard let stride else { return [try tokenizer([sentence], truncation: true).encodings[0]] }
        return try tokenizer.encodeWindows(sentence, maxLength: limit, stride: stride, strategy: .longestFirst)
    }

    /// `aggregate_overlapping_entities`: entities of all windows by start (stable); of two overlapping ones the
    /// longer wins, then the higher score, else the earlier.
    static func mergeOverlapping(_ entities: [Entity]) -> [Entity] {
        let sorted = entities.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        guard var previous = sorted.first else { return entities }
        var merged: [Entity] = []
        for entity in sorted {
            if previous.start <= entity.start && entity.start < previous.end {
                let length = entity.end - entity.start, previousLength = previous.end - previous.start
                if length > previousLength || (length == previousLength && entity.score > previous.score) {
                    previous = entity
                }
            } else {
                merged.append(previous)
                previous = entity
            }
        }
        merged.append(previous)
        return merged
    }

    // MARK: Tokens → pre-entities

    private func preEntities(_ sentence: [Unicode.Scalar], encoding: Encoding, logits: FloatArray) throws -> [PreEntity] {
        let prefixModel = tokenizer.hasContinuingSubwordPrefix
        let unk = tokenizer.unkTokenId
        var result: [PreEntity] = []
        for index in 0..<encoding.count where encoding.specialTokensMask[index] == 0 {
            let scores = ScoreMath.softmax(logits.row(index))
            var word = tokenizer.backend.idToToken(encoding.ids[index]) ?? ""
            let offsets = encoding.offsets[index]
            let start = min(offsets.start, sentence.count), end = min(offsets.end, sentence.count)
            let wordRef = String(String.UnicodeScalarView(sentence[start..<max(start, end)]))
            var isSubword: Bool
            if prefixModel {
                isSubword = word.unicodeScalars.count != wordRef.unicodeScalars.count
            } else {
                // The reference's fallback heuristic: a token not preceded by a space continues a word.
                let from = max(start - 1, 0)
                isSubword = start > 0 && !sentence[from..<min(start + 1, sentence.count)].contains(" ")
            }
            if encoding.ids[index] == unk {
                word = wordRef
                isSubword = false
            }
            result.append(PreEntity(word: word, scores: scores, start: offsets.start, end: offsets.end, index: index,
                                    isSubword: isSubword))
        }
        return result
    }

    // MARK: Aggregation

    private func label(_ i: Int) -> String { model.config.id2label[i] ?? "LABEL_\(i)" }

    private func aggregate(_ pre: [PreEntity], _ aggregation: Aggregation) throws -> [Entity] {
        var entities: [Entity]
        switch aggregation {
        case .none, .simple:
            entities = pre.map {
                let best = ScoreMath.argmax($0.scores)
                return Entity(label: label(best), score: Double($0.scores[best]), index: $0.index, word: $0.word,
                              start: $0.start, end: $0.end)
            }
        case .first, .average, .max:
            entities = []
            var group: [PreEntity] = []
            for entity in pre {
                if !group.isEmpty && !entity.isSubword {
                    entities.append(try aggregateWord(group, aggregation))
                    group = []
                }
                group.append(entity)
            }
            if !group.isEmpty { entities.append(try aggregateWord(group, aggregation)) }
        }
        return aggregation == .none ? entities : try groupEntities(entities)
    }

    /// One word from its tokens: the first token's label, the most confident token's, or the averaged scores'.
    private func aggregateWord(_ tokens: [PreEntity], _ aggregation: Aggregation) throws -> Entity {
        let word = try tokenizer.convertTokensToString(tokens.map(\.word))
        var scores: [Float]
        switch aggregation {
        case .first:
            scores = tokens[0].scores
        case .max:
            var best = tokens[0]
            for token in tokens.dropFirst() where (token.scores.max() ?? 0) > (best.scores.max() ?? 0) { best = token }
            scores = best.scores
        default:
            scores = tokens[0].scores.indices.map { i in
                tokens.map { $0.scores[i] }.reduce(0, +) / Float(tokens.count)
            }
        }
        let best = ScoreMath.argmax(scores)
        return Entity(label: label(best), score: Double(scores[best]), index: nil, word: word,
                      start: tokens[0].start, end: tokens[tokens.count - 1].end)
    }

    /// B-/I- tags: "B-PER" → (B, PER); a label without a prefix counts as I.
    private func tag(_ label: String) -> (bi: String, tag: String) {
        if label.hasPrefix("B-") { return ("B", String(label.dropFirst(2))) }
        if label.hasPrefix("I-") { return ("I", String(label.dropFirst(2))) }
        return ("I", label)
    }

    /// Adjacent entities of the same tag merge unless the next one begins with B-.
    private func groupEntities(_ entities: [Entity]) throws -> [Entity] {
        var groups: [Entity] = []
        var current: [Entity] = []
        for entity in entities {
            if let last = current.last {
                let (bi, t) = tag(entity.label)
                if t == tag(last.label).tag && bi != "B" {
                    current.append(entity)
                    continue
                }
                groups.append(try group(current))
                current = []
            }
            current.append(entity)
        }
        if !current.isEmpty { groups.append(try group(current)) }
        return groups
    }

    private func group(_ entities: [Entity]) throws -> Entity {
        let label = entities[0].label
        let name = label.firstIndex(of: "-").map { String(label[label.index(after: $0)...]) } ?? label
        let score = entities.map(\.score).reduce(0, +) / Double(entities.count)
        let word = try tokenizer.convertTokensToString(entities.map(\.word))
        return Entity(label: name, score: score, index: nil, word: word, start: entities[0].start,
                      end: entities[entities.count - 1].end)
    }

    private func render(_ entity: Entity, grouped: Bool) -> PipelineValue {
        if grouped {
            return .dict([("entity_group", .string(entity.label)), ("score", .double(entity.score)),
                          ("word", .string(entity.word)), ("start", .int(entity.start)), ("end", .int(entity.end))])
        }
        return .dict([("entity", .string(entity.label)), ("score", .double(entity.score)), ("index", .int(entity.index ?? 0)),
                      ("word", .string(entity.word)), ("start", .int(entity.start)), ("end", .int(entity.end))])
    }
}
