// The task table: task name → implementation, model head, default checkpoint; aliases as the reference has them
// (transformers/pipelines/__init__.py SUPPORTED_TASKS and TASK_ALIASES).
import Models

public enum TaskRegistry {
    public struct Entry: Sendable {
        public let name: String
        public let modelTask: ModelTask
        /// The reference's default checkpoint for the task (a hub repo id).
        public let defaultModel: String
        let build: @Sendable (PipelineComponents) throws -> any TextPipeline
    }

    static let table: [Entry] = [
        Entry(name: "feature-extraction", modelTask: .base, defaultModel: "distilbert/distilbert-base-cased") {
            FeatureExtractionPipeline(components: $0)
        },
        Entry(name: "fill-mask", modelTask: .maskedLM, defaultModel: "distilbert/distilroberta-base") {
            try FillMaskPipeline(components: $0)
        },
        Entry(name: "text-classification", modelTask: .sequenceClassification,
              defaultModel: "distilbert/distilbert-base-uncased-finetuned-sst-2-english") {
            TextClassificationPipeline(components: $0)
        },
        Entry(name: "token-classification", modelTask: .tokenClassification,
              defaultModel: "dbmdz/bert-large-cased-finetuned-conll03-english") {
            TokenClassificationPipeline(components: $0)
        },
        Entry(name: "question-answering", modelTask: .questionAnswering,
              defaultModel: "distilbert/distilbert-base-cased-distilled-squad") {
            QuestionAnsweringPipeline(components: $0)
        },
        Entry(name: "zero-shot-classification", modelTask: .sequenceClassification,
              defaultModel: "facebook/bart-large-mnli") {
            ZeroShotClassificationPipeline(components: $0)
        },
        Entry(name: "text-generation", modelTask: .causalLM, defaultModel: "openai-community/gpt2") {
            try TextGenerationPipeline(components: $0)
        },
    ]

    /// Other names of tasks, as Python's TASK_ALIASES.
    static let aliases: [String: String] = [
        "sentiment-analysis": "text-classification",
        "ner": "token-classification",
    ]

    /// Every accepted task name, aliases included, sorted as the reference lists them in its error.
    public static var taskNames: [String] { (table.map(\.name) + aliases.keys).sorted() }

    public static func entry(for task: String) throws -> Entry {
        let name = aliases[task] ?? task
        guard let entry = table.first(where: { $0.name == name }) else {
            throw PipelineError.unknownTask(task, known: taskNames)
        }
        return entry
    }
}
