// question-answering (reference transformers/pipelines/question_answering.py): the question with windows of the
// context (doc_stride overlap), span scores start·end over context tokens, answers aligned to words and
// returned as character spans of the context.
import Foundation
import Models
import Tokenizers

public struct QuestionAnsweringPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    init(components: PipelineComponents) {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
    }

    struct Settings {
        var topK = 1
        var maxAnswerLength = 15
        var handleImpossible = false
        var alignToWords = true
    }

    /// One scored span of one window.
    struct Answer {
        var score: Double
        var start: Int
        var end: Int
        var text: String
    }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: [
            "top_k", "doc_stride", "max_answer_len", "max_seq_len", "max_question_len", "handle_impossible_answer",
            "align_to_words", "question", "context",
        ])
        var settings = Settings()
        if let k = try options.int("top_k") {
            guard k >= 1 else { throw PipelineError.invalidArgument("top_k parameter should be >= 1 (got \(k))") }
            settings.topK = k
        }
        if let m = try options.int("max_answer_len") {
            guard m >= 1 else { throw PipelineError.invalidArgument("max_answer_len parameter should be >= 1 (got \(m))") }
            settings.maxAnswerLength = m
        }
        settings.handleImpossible = try options.bool("handle_impossible_answer") ?? false
        settings.alignToWords = try options.bool("align_to_words") ?? true
        let maxSeqLen = try options.int("max_seq_len") ?? min(tokenizer.modelMaxLength ?? 384, 384)
        let docStride = try options.int("doc_stride") ?? min(maxSeqLen / 2, 128)
        guard docStride <= maxSeqLen else {
            throw PipelineError.invalidArgument("`doc_stride` (\(docStride)) is larger than `max_seq_len` (\(maxSeqLen))")
        }

        // question=…, context=… keywords are the same as one dict input.
        var given = inputs
        if given == .none, let q = options.values["question"], let c = options.values["context"] {
            given = .dict([("question", q), ("context", c)])
        }
        let (items, isBatch) = given.pipelineItems
        var examples: [(question: String, context: String)] = []
        for item in items {
            guard let question = item["question"]?.string, let context = item["context"]?.string else {
                throw PipelineError.invalidInput("question-answering: each input must be a dict with 'question' and 'context' strings")
            }
            guard !question.isEmpty else { throw PipelineError.invalidInput("question cannot be empty") }
            guard !context.isEmpty else { throw PipelineError.invalidInput("context cannot be empty") }
            examples.append((question, context))
        }

        // Windows of every example, run together so batch_size can span examples.
        let questionFirst = tokenizer.paddingSide == .right
        var windows: [[Encoding]] = []
        for example in examples {
            windows.append(try tokenizer.encodeWindows(
                questionFirst ? example.question : example.context, pair: questionFirst ? example.context : example.question,
                maxLength: maxSeqLen, stride: docStride, strategy: questionFirst ? .onlySecond : .onlyFirst))
        }
        let flat = windows.flatMap { $0 }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(flat, batchSize: try options.batchSize(), fields: ["start_logits": true, "end_logits": true])
        var results: [PipelineValue] = []
        var next = 0
        for (example, exampleWindows) in zip(examples, windows) {
            let range = next..<(next + exampleWindows.count)
            next += exampleWindows.count
            results.append(try answers(context: example.context, windows: exampleWindows, outputs: Array(outputs[range]),
                                       settings: settings, contextSequence: questionFirst ? 1 : 0))
        }
        return isBatch && results.count != 1 ? .list(results) : results[0]
    }

    private func answers(context: String, windows: [Encoding], outputs: [[String: FloatArray]], settings: Settings,
                         contextSequence: Int) throws -> PipelineValue {
        let contextScalars = Array(context.unicodeScalars)
        var minNullScore = 1_000_000.0
        var answers: [Answer] = []
        let candidatesPerWindow = settings.alignToWords ? settings.topK * 2 + 10 : settings.topK
        for (window, output) in zip(windows, outputs) {
            guard let startLogits = output["start_logits"]?.values, let endLogits = output["end_logits"]?.values else {
                throw PipelineError.modelOutputMissing("start_logits")
            }
            // Context tokens (and [CLS]) may hold answers; the question, separators and padding may not.
            let sequences = window.sequenceIds
            let cls = tokenizer.clsTokenId
            let desired = (0..<window.count).map { i in
                (sequences[i] == contextSequence || window.ids[i] == cls) && (window.attentionMask.isEmpty || window.attentionMask[i] == 1)
            }
            var start = ScoreMath.softmax(startLogits.indices.map { desired[$0] ? startLogits[$0] : -10000 })
            var end = ScoreMath.softmax(endLogits.indices.map { desired[$0] ? endLogits[$0] : -10000 })
            if settings.handleImpossible { minNullScore = min(minNullScore, Double(start[0] * end[0])) }
            start[0] = 0
            end[0] = 0
            for (s, e, score) in topSpans(start: start, end: end, k: candidatesPerWindow,
                                          maxLength: settings.maxAnswerLength, desired: desired) {
                let (from, to) = characterSpan(window, s, e, sequence: contextSequence, alignToWords: settings.alignToWords)
                let text = Self.substring(contextScalars, from, to)
                // The same answer text from another window adds its score to the first one.
                if let i = answers.firstIndex(where: { $0.text.lowercased() == text.lowercased() }) {
                    answers[i].score += Double(score)
                } else {
                    answers.append(Answer(score: Double(score), start: from, end: to, text: text))
                }
            }
        }
        if settings.handleImpossible { answers.append(Answer(score: minNullScore, start: 0, end: 0, text: "")) }
        let ranked = answers.enumerated().sorted {
            $0.element.score > $1.element.score || ($0.element.score == $1.element.score && $0.offset < $1.offset)
        }.prefix(settings.topK).map(\.element)
        let rendered = ranked.map { answer -> PipelineValue in
            .dict([("score", .double(answer.score)), ("start", .int(answer.start)), ("end", .int(answer.end)),
                   ("answer", .string(answer.text))])
        }
        return rendered.count == 1 ? rendered[0] : .list(rendered)
    }

    /// The `k` best (start, end) pairs with start ≤ end < start + maxLength by start·end probability, then only
    /// those whose both ends are context tokens (the reference's `decode_spans`, which filters after ranking).
    private func topSpans(start: [Float], end: [Float], k: Int, maxLength: Int, desired: [Bool]) -> [(Int, Int, Float)] {
        let n = start.count
        var candidates: [(index: Int, score: Float)] = []
        candidates.reserveCapacity(n * n)
        for s in 0..<n {
            for e in 0..<n {
                let inWindow = e >= s && e <= s + maxLength - 1
                candidates.append((s * n + e, inWindow ? start[s] * end[e] : 0))
            }
        }
        let best = candidates.sorted { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }.prefix(k)
        return best.compactMap { candidate in
            let s = candidate.index / n, e = candidate.index % n
            return desired[s] && desired[e] ? (s, e, candidate.score) : nil
        }
    }

    /// Token span → character span of the context: whole words when aligning to words, else token offsets.
    private func characterSpan(_ window: Encoding, _ s: Int, _ e: Int, sequence: Int, alignToWords: Bool) -> (Int, Int) {
        if alignToWords, let startWord = window.wordIds[s], let endWord = window.wordIds[e],
           let first = window.wordToChars(startWord, sequence: sequence), let last = window.wordToChars(endWord, sequence: sequence)
        {
            return (first.start, last.end)
        }
        return (window.offsets[s].start, window.offsets[e].end)
    }

    static func substring(_ scalars: [Unicode.Scalar], _ from: Int, _ to: Int) -> String {
        let a = min(max(from, 0), scalars.count), b = min(max(to, a), scalars.count)
        return String(String.UnicodeScalarView(scalars[a..<b]))
    }
}
