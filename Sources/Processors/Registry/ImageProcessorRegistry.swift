// Processor class name → how to build it. Flat tables, as transformers/models/auto/image_processing_auto.py and
// processing_auto.py have them: adding a processor is one file and one line here.

/// Image processor classes by `image_processor_type`, and the class each `model_type` uses when the config names none.
public enum ImageProcessorRegistry {
    public typealias Builder = @Sendable (ImageProcessorConfig) throws -> any ImageProcessor

    static let table: [String: Builder] = [
        "CLIPImageProcessor": { try CLIPImageProcessor.make($0) },
        "ViTImageProcessor": { try ViTImageProcessor.make($0) },
    ]

    /// `IMAGE_PROCESSOR_MAPPING_NAMES`: `model_type` → class, for configs without `image_processor_type`.
    static let byModelType: [String: String] = [
        "clip": "CLIPImageProcessor",
        "vit": "ViTImageProcessor",
    ]

    public static var knownClasses: [String] { table.keys.sorted() }

    /// Builds `className` (a `…Fast` name resolves to its Pillow-based class, as the reference does without torchvision).
    public static func make(_ className: String, config: ImageProcessorConfig) throws -> any ImageProcessor {
        let slowName = className.hasSuffix("Fast") ? String(className.dropLast(4)) : className
        guard let build = table[slowName] else { throw ProcessorError.unknownProcessor(className, known: knownClasses) }
        return try build(config)
    }

    static func className(forModelType modelType: String) -> String? { byModelType[modelType] }
}

/// Combined (multimodal) processors by `processor_class`: each pairs an image processor with a tokenizer.
public enum ProcessorRegistry {
    /// Names of the processors built as `ImageTextProcessor` (image processor + tokenizer, keyword arguments routed
    /// by name, outputs merged text first).
    static let imageTextProcessors: Set<String> = ["CLIPProcessor"]

    /// `PROCESSOR_MAPPING_NAMES`: `model_type` → processor class.
    static let byModelType: [String: String] = ["clip": "CLIPProcessor"]
}
