// The vision tasks of transformers/pipelines/__init__.py SUPPORTED_TASKS: task → model head, default checkpoint,
// builder. Text tasks are in TaskRegistry.swift; `Pipeline.makeAny` looks here first.
import Foundation
import Hub
import Models
import Processors
import Tokenizers

public enum VisionTaskRegistry {
    public struct Entry: Sendable {
        public let name: String
        public let modelTask: ModelTask
        public let defaultModel: String
        /// Whether the task reads text too (the tokenizer is loaded from the model folder).
        public let needsTokenizer: Bool
        let build: @Sendable (VisionPipelineComponents) throws -> any TaskPipeline
    }

    static let table: [Entry] = [
        Entry(name: "image-classification", modelTask: .imageClassification, defaultModel: "google/vit-base-patch16-224",
              needsTokenizer: false) { ImageClassificationPipeline(components: $0) },
        Entry(name: "zero-shot-image-classification", modelTask: .zeroShotImageClassification,
              defaultModel: "openai/clip-vit-base-patch32", needsTokenizer: true) { try ZeroShotImageClassificationPipeline(components: $0) },
        Entry(name: "image-feature-extraction", modelTask: .base, defaultModel: "google/vit-base-patch16-224",
              needsTokenizer: false) { ImageFeatureExtractionPipeline(components: $0) },
    ]

    public static var taskNames: [String] { table.map(\.name) }

    public static func entry(for task: String) -> Entry? { table.first { $0.name == task } }
}

extension Pipeline {
    /// Python `pipeline(task, model=…)` for any task, text or vision.
    public static func makeAny(task: String, model: String? = nil, tokenizer: String? = nil, revision: String? = nil,
                               hub: Hub = Hub()) throws -> any TaskPipeline {
        guard let entry = VisionTaskRegistry.entry(for: task) else {
            do {
                return try make(task: task, model: model, tokenizer: tokenizer, revision: revision, hub: hub)
            } catch PipelineError.unknownTask(let name, let known) {
                throw PipelineError.unknownTask(name, known: (known + VisionTaskRegistry.taskNames).sorted())
            }
        }
        let reference = model ?? entry.defaultModel
        let (loaded, _) = try AutoModel.fromPretrained(reference, task: entry.modelTask, revision: revision, hub: hub)
        let processor = try AutoImageProcessor.fromPretrained(reference, revision: revision, hub: hub)
        var loadedTokenizer: PreTrainedTokenizer? = nil
        if entry.needsTokenizer {
            let folder = try AutoModel.modelFolder(tokenizer ?? reference, revision: tokenizer == nil ? revision : nil, hub: hub)
            loadedTokenizer = try AutoTokenizer.fromPretrained(folder)
        }
        return try entry.build(VisionPipelineComponents(task: entry.name, model: loaded, imageProcessor: processor, tokenizer: loadedTokenizer))
    }

    /// A vision pipeline from loaded parts (Python `pipeline(task, model=model, image_processor=processor)`).
    public static func makeVision(task: String, model: any PretrainedModel, imageProcessor: any ImageProcessor,
                                  tokenizer: PreTrainedTokenizer? = nil) throws -> any TaskPipeline {
        guard let entry = VisionTaskRegistry.entry(for: task) else {
            throw PipelineError.unknownTask(task, known: VisionTaskRegistry.taskNames)
        }
        return try entry.build(VisionPipelineComponents(task: entry.name, model: model, imageProcessor: imageProcessor, tokenizer: tokenizer))
    }
}
