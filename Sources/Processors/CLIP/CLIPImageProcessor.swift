import Hub

// transformers/models/clip/image_processing_clip.py — `CLIPImageProcessor` (the slow, Pillow-based class that
// `AutoImageProcessor` picks when torchvision is absent or `use_fast=False`).

/// `CLIPImageProcessor`: RGB, shortest edge to 224 (bicubic), center crop 224×224, rescale 1/255, normalize with
/// OpenAI's CLIP statistics.
public enum CLIPImageProcessor {
    public static let openAIMean = [0.48145466, 0.4578275, 0.40821073]
    public static let openAIStd = [0.26862954, 0.26130258, 0.27577711]

    public static let defaults: JSONObject = [
        "do_resize": true, "size": ["shortest_edge": 224], "resample": 3,
        "do_center_crop": true, "crop_size": ["height": 224, "width": 224],
        "do_rescale": true, "rescale_factor": .double(1.0 / 255),
        "do_normalize": true, "image_mean": .array(openAIMean.map { .double($0) }),
        "image_std": .array(openAIStd.map { .double($0) }), "do_convert_rgb": true,
    ]

    public static func make(_ config: ImageProcessorConfig) throws -> StandardImageProcessor {
        try StandardImageProcessor(className: "CLIPImageProcessor", config: config, defaults: defaults, sizeDefaultsToSquare: false)
    }
}
