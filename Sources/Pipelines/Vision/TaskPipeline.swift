// What every pipeline is, text or vision: a task name and a call on Python-shaped inputs. Text pipelines add a
// tokenizer (`TextPipeline`); vision pipelines carry an image processor (`VisionPipelineComponents`).
import Foundation
import Hub
import Media
import Models
import Processors
import Tokenizers

/// Any pipeline: `pipe(inputs, **options)`.
public protocol TaskPipeline: Sendable {
    /// The canonical task name.
    var task: String { get }
    func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue
}

/// The pieces a vision pipeline is built from: the model, its image processor and, for tasks that also read text
/// (zero-shot image classification), its tokenizer.
public struct VisionPipelineComponents: Sendable {
    public let task: String
    public let model: any PretrainedModel
    public let imageProcessor: any ImageProcessor
    public let tokenizer: PreTrainedTokenizer?

    public init(task: String, model: any PretrainedModel, imageProcessor: any ImageProcessor, tokenizer: PreTrainedTokenizer? = nil) {
        self.task = task
        self.model = model
        self.imageProcessor = imageProcessor
        self.tokenizer = tokenizer
    }
}

/// `load_image` of transformers/image_utils.py: an image, a path or an http(s) URL → an RGB image with its EXIF
/// orientation applied.
public enum PipelineImages {
    public static func load(_ value: PipelineValue) throws -> Image {
        let image: Image
        switch value {
        case .image(let given):
            image = given
        case .string(let source):
            if source.hasPrefix("http://") || source.hasPrefix("https://") || FileManager.default.fileExists(atPath: source) {
                image = try Image.open(source)
            } else {
                throw PipelineError.invalidInput(
                    "Incorrect image source. Must be a valid URL starting with `http://` or `https://`, a valid path to an image file, or an image. Got \(source)")
            }
        default:
            throw PipelineError.invalidInput(
                "Incorrect format used for image. Should be an url linking to an image, a local path, or a PIL image; got \(value)")
        }
        let upright = image.exifTranspose()
        return upright.mode == .rgb ? upright : upright.converted(to: .rgb)
    }

    /// One image or a list of them, and whether the call was a list (the result is then a list too).
    static func items(_ inputs: PipelineValue) throws -> (images: [Image], isBatch: Bool) {
        let (items, isBatch) = inputs.pipelineItems
        return (try items.map(load), isBatch)
    }

    /// The processor's `pixel_values` for one image as model inputs.
    static func modelInputs(_ image: Image, processor: any ImageProcessor) throws -> ModelInputs {
        var inputs = ModelInputs()
        inputs.pixelValues = try processor(image).tensor("pixel_values")
        return inputs
    }
}
