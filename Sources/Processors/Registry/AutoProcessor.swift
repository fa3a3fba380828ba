import Foundation
import Hub
import Tokenizers

/// What `AutoProcessor.from_pretrained` returns: a combined processor when the folder names one
/// (`processor_class`), else the image processor, else the tokenizer — the order the reference tries them.
public enum LoadedProcessor: Sendable {
    case imageText(ImageTextProcessor)
    case image(any ImageProcessor)
    case tokenizer(PreTrainedTokenizer)
}

public enum AutoProcessor {
    public static func fromPretrained(_ reference: String, revision: String? = nil, hub: Hub = Hub()) throws -> LoadedProcessor {
        let folder = try folder(reference, revision: revision, hub: hub)
        return try fromFolder(folder)
    }

    public static func fromFolder(_ folder: URL) throws -> LoadedProcessor {
        let hasImageConfig = FileManager.default.fileExists(atPath: folder.appendingPathComponent("preprocessor_config.json").path)
        let className = ProcessorFiles.processorClass(in: folder)
            ?? ProcessorFiles.modelType(in: folder).flatMap { ProcessorRegistry.byModelType[$0] }
        if let className, ProcessorRegistry.imageTextProcessors.contains(className), hasImageConfig {
            let imageProcessor = try AutoImageProcessor.fromFolder(folder)
            let tokenizer = try AutoTokenizer.fromPretrained(folder)
            return .imageText(ImageTextProcessor(className: className, imageProcessor: imageProcessor, tokenizer: tokenizer))
        }
        if hasImageConfig { return .image(try AutoImageProcessor.fromFolder(folder)) }
        return .tokenizer(try AutoTokenizer.fromPretrained(folder))
    }

    /// The model folder: `reference` itself, or its cache snapshot (found through whichever processor file exists).
    static func folder(_ reference: String, revision: String?, hub: Hub) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: reference)
        }
        for file in ["preprocessor_config.json", "tokenizer_config.json"] where hub.fileExists(reference, file: file, revision: revision) {
            return try hub.resolve(reference, file: file, revision: revision).deletingLastPathComponent()
        }
        return try hub.resolve(reference, file: "preprocessor_config.json", revision: revision).deletingLastPathComponent()
    }
}
