import Foundation
import Hub

/// `AutoImageProcessor.from_pretrained`: reads `preprocessor_config.json` from a folder or a hub repo in the cache
/// and builds the class it names (`image_processor_type`, else the legacy `feature_extractor_type`, else the class
/// of config.json's `model_type`).
public enum AutoImageProcessor {
    public static func fromPretrained(_ reference: String, overrides: JSONObject = [:], revision: String? = nil,
                                      hub: Hub = Hub()) throws -> any ImageProcessor {
        let folder = try ProcessorFiles.folder(reference, revision: revision, hub: hub)
        return try fromFolder(folder, overrides: overrides)
    }

    public static func fromFolder(_ folder: URL, overrides: JSONObject = [:]) throws -> any ImageProcessor {
        let file = folder.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ProcessorError.missingFile("\(folder.path) has no preprocessor_config.json (an image processor needs one)")
        }
        let config = try ImageProcessorConfig(contentsOf: file).overriding(overrides)
        return try ImageProcessorRegistry.make(try className(config, folder: folder), config: config)
    }

    /// Which image processor class a config asks for.
    static func className(_ config: ImageProcessorConfig, folder: URL) throws -> String {
        if let name = config.string("image_processor_type") { return name }
        if let legacy = config.string("feature_extractor_type") {
            return legacy.replacingOccurrences(of: "FeatureExtractor", with: "ImageProcessor")
        }
        if let modelType = ProcessorFiles.modelType(in: folder), let name = ImageProcessorRegistry.className(forModelType: modelType) {
            return name
        }
        throw ProcessorError.unknownProcessor(
            "(none named in \(folder.path)/preprocessor_config.json)", known: ImageProcessorRegistry.knownClasses)
    }
}

/// Where a processor's files are.
enum ProcessorFiles {
    /// `reference` when it is a folder, else the cache snapshot holding its `preprocessor_config.json`.
    static func folder(_ reference: String, revision: String?, hub: Hub) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: reference)
        }
        return try hub.resolve(reference, file: "preprocessor_config.json", revision: revision).deletingLastPathComponent()
    }

    /// config.json's `model_type`, when the folder has one.
    static func modelType(in folder: URL) -> String? {
        let url = folder.appendingPathComponent("config.json")
        return (try? JSONValue(contentsOf: url))?["model_type"]?.stringValue
    }

    /// The `processor_class` any of the folder's processor files names.
    static func processorClass(in folder: URL) -> String? {
        for name in ["processor_config.json", "preprocessor_config.json", "tokenizer_config.json"] {
            let url = folder.appendingPathComponent(name)
            if let value = (try? JSONValue(contentsOf: url))?["processor_class"]?.stringValue { return value }
        }
        return nil
    }
}
