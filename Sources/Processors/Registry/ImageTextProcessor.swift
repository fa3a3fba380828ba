import Hub
import Media
import Tokenizers

/// A processor that pairs an image processor with a tokenizer, as `CLIPProcessor` does:
/// `processor(text=…, images=…, padding=True)` tokenizes the texts, processes the images and returns one
/// `BatchFeature` (`input_ids`, `attention_mask`, then `pixel_values`).
public struct ImageTextProcessor: Sendable {
    /// `CLIPProcessor`…
    public let className: String
    public let imageProcessor: any ImageProcessor
    public let tokenizer: PreTrainedTokenizer

    public init(className: String, imageProcessor: any ImageProcessor, tokenizer: PreTrainedTokenizer) {
        self.className = className
        self.imageProcessor = imageProcessor
        self.tokenizer = tokenizer
    }

    /// The tokenizer's options of a call.
    public struct TextOptions: Sendable {
        public var padding: PaddingStrategy
        public var truncation: Bool
        public var maxLength: Int?
        public init(padding: PaddingStrategy = .doNotPad, truncation: Bool = false, maxLength: Int? = nil) {
            self.padding = padding
            self.truncation = truncation
            self.maxLength = maxLength
        }
    }

    /// Python `processor(text=texts, images=images, padding=…, **image_kwargs)`.
    public func callAsFunction(text: [String]? = nil, images: [Image]? = nil, textOptions: TextOptions = TextOptions(),
                               imageOverrides: JSONObjectOverrides = JSONObjectOverrides()) throws -> BatchFeature {
        guard text != nil || images != nil else {
            throw ProcessorError.invalidArgument("You have to specify either text or images. Both cannot be none.")
        }
        var output = BatchFeature()
        if let text {
            let encoding = try tokenizer(text, padding: textOptions.padding, truncation: textOptions.truncation,
                                         maxLength: textOptions.maxLength)
            output.set("input_ids", .integers(encoding.inputIds))
            output.set("attention_mask", .integers(encoding.attentionMask))
        }
        if let images {
            let features = try imageProcessor.preprocess(images, overrides: imageOverrides)
            for (name, value) in features.fields { output.set(name, value) }
            output.channelsLast = features.channelsLast
        }
        return output
    }
}
