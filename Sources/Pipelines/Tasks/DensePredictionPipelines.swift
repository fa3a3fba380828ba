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
        let (model, _) = try AutoModel.fromPretrained(reference, task: .depthEstimation, revision: revision, hub: hub)
        let folder = try AutoModel.modelFolder(reference, revision: revision, hub: hub)
        self.init(model: model, imageProcessor: try DenseImageProcessors.load(folder: folder, modelType: model.config.modelType))
    }

    /// Each image on its own (the reference's batch_size 1), as the pipeline's `_forward` runs them.
    public func callAsFunction(_ images: [Image]) throws -> [DepthEstimationResult] {
        try images.map { image in
            let rgb = image.mode == .rgb ? image : image.converted(to: .rgb)  // `load_image` converts to RGB
            let pixels = try imageProcessor.pixelValues([rgb])
            let output = try model.forward(ModelInputs(["pixel_values": pixels]))
            guard let predicted = output.tensor("predicted_depth") else {
                throw PipelineError.invalidInput("depth-estimation: the model returned no predicted_depth")
            }
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
        let (model, _) = try AutoModel.fromPretrained(reference, task: .imageToImage, revision: revision, hub: hub)
        let folder = try AutoModel.modelFolder(reference, revision: revision, hub: hub)
        self.init(model: model, imageProcessor: try DenseImageProcessors.load(folder: folder, modelType: model.config.modelType))
    }

    public func callAsFunction(_ images: [Image]) throws -> [Image] {
        try images.map { image in
            let rgb = image.mode == .rgb ? image : image.converted(to: .rgb)
            let pixels = try imageProcessor.pixelValues([rgb])
            let output = try model.forward(ModelInputs(["pixel_values": pixels]))
            guard let reconstruction = output.tensor("reconstruction") else {
                throw PipelineError.invalidInput("image-to-image: the model returned no reconstruction")
            }
            return try DensePostProcessing.reconstructionImage(reconstruction.select(0, 0))
        }
    }
}

/// The dense tasks by name, with their defaults (the reference's SUPPORTED_TASKS entries).
public enum DensePredictionTasks {
    public static let defaultModels = ["depth-estimation": "Intel/dpt-large", "image-to-image": "caidas/swin2SR-classical-sr-x2-64"]
    public static func handles(_ task: String) -> Bool { defaultModels[task] != nil }
}
