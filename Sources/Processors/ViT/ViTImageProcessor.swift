import Hub

// transformers/models/vit/image_processing_vit.py — `ViTImageProcessor` (slow, Pillow-based).

/// `ViTImageProcessor`: resize to 224×224 (bilinear), rescale 1/255, normalize with mean = std = 0.5; no crop,
/// and no RGB conversion unless `do_convert_rgb` (pipelines convert their inputs to RGB themselves).
public enum ViTImageProcessor {
    public static let defaults: JSONObject = [
        "do_resize": true, "size": ["height": 224, "width": 224], "resample": 2,
        "do_rescale": true, "rescale_factor": .double(1.0 / 255),
        "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
    ]

    public static func make(_ config: ImageProcessorConfig) throws -> StandardImageProcessor {
        try StandardImageProcessor(className: "ViTImageProcessor", config: config, defaults: defaults, sizeDefaultsToSquare: true)
    }
}
