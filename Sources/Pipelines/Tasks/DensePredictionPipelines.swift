// `depth-estimation` and `image-to-image`, following transformers/pipelines/depth_estimation.py and
// image_to_image.py (4.55.4): the model folder's image processor prepares each image, the model predicts a depth
// map or a reconstruction, and post-processing returns what the reference returns — the depth resized back to the
// image (bicubic) with an 8-bit picture of it, or the upscaled picture.
import Foundation
import Hub
import Media
import Models
import Processors
import Tensors

/// One depth-estimation result: `{"predicted_depth": tensor [H, W], "depth": Image (mode L)}`.
public struct DepthEstimationResult: Sendable {
    public let predictedDepth: Tensor
    public let depth: Image
}

/// `pipeline("depth-estimation")`.
public struct DepthEstimationPipeline: Sendable {
    public let model: any PretrainedModel
    public let imageProcessor: any DenseImageProcessor

    public init(model: any PretrainedModel, imageProcessor: any DenseImageProcessor) {
        self.model = model
        self.imageProcessor = imageProcessor
    }

    /// Loads model and processor from a folder or hub id (default: the reference's Intel/dpt-large).
    public init(model reference: String = "Intel/dpt-large", revision: String? = nil, hub: Hub = Hub()) throws {
        let (model, processor) = try DenseModel.load(reference, task: .depthEstimation, revision: revision, hub: hub)
        self.init(model: model, imageProcessor: processor)
    }

    /// Each image on its own (the reference's batch_size 1), as the pipeline's `_forward` runs them.
    public func callAsFunction(_ images: [Image]) throws -> [DepthEstimationResult] {
        try images.map { image in
            let (rgb, predicted) = try DenseModel.predict(model, imageProcessor, image, output: "predicted_depth", task: "depth-estimation")
            let depth = try DensePostProcessing.depth(predicted, targetSizes: [(rgb.height, rgb.width)])[0]
            return DepthEstimationResult(predictedDepth: depth, depth: try DensePostProcessing.depthImage(depth))
        }
    }
}

/// `pipeline("image-to-image")`: super-resolution models (Swin2SR) return the upscaled image.
public struct ImageToImagePipeline: Sendable {
    public let model: any PretrainedModel
    public let imageProcessor: any DenseImageProcessor

    public init(model: any PretrainedModel, imageProcessor: any DenseImageProcessor) {
        self.model = model
        self.imageProcessor = imageProcessor
    }

    /// Loads model and processor from a folder or hub id (default: caidas/swin2SR-classical-sr-x2-64).
    public init(model reference: String = "caidas/swin2SR-classical-sr-x2-64", revision: String? = nil, hub: Hub = Hub()) throws {
        let (model, processor) = try DenseModel.load(reference, task: .imageToImage, revision: revision, hub: hub)
        self.init(model: model, imageProcessor: processor)
    }

    public func callAsFunction(_ images: [Image]) throws -> [Image] {
        try images.map { image in
            let (_, reconstruction) = try DenseModel.predict(model, imageProcessor, image, output: "reconstruction", task: "image-to-image")
            return try DensePostProcessing.reconstructionImage(reconstruction.select(0, 0))
        }
    }
}

/// What both dense pipelines do: load model + processor, and run one image through them.
enum DenseModel {
    static func load(_ reference: String, task: ModelTask, revision: String?, hub: Hub) throws
        -> (any PretrainedModel, any DenseImageProcessor) {
        let (model, _) = try AutoModel.fromPretrained(reference, task: task, revision: revision, hub: hub)
        let folder = try AutoModel.modelFolder(reference, revision: revision, hub: hub)
        return (model, try DenseImageProcessors.load(folder: folder, modelType: model.config.modelType))
    }

    /// The image as RGB (`load_image` converts) and the model's `output` tensor for it.
    static func predict(_ model: any PretrainedModel, _ processor: any DenseImageProcessor, _ image: Image,
                        output name: String, task: String) throws -> (rgb: Image, output: Tensor) {
        let rgb = image.mode == .rgb ? image : image.converted(to: .rgb)
        let output = try model.forward(ModelInputs(["pixel_values": try processor.pixelValues([rgb])]))
        guard let tensor = output.tensor(name) else {
            throw PipelineError.invalidInput("\(task): the model returned no \(name)")
        }
        return (rgb, tensor)
    }
}

/// The dense tasks by name, with their defaults (the reference's SUPPORTED_TASKS entries).
public enum DensePredictionTasks {
    public static let defaultModels = ["depth-estimation": "Intel/dpt-large", "image-to-image": "caidas/swin2SR-classical-sr-x2-64"]
    public static func handles(_ task: String) -> Bool { defaultModels[task] != nil }
}
