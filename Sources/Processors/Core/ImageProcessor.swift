import Hub
import Media

/// An image processor (`CLIPImageProcessor`, `ViTImageProcessor`, …): images in, `pixel_values` out.
///
/// Conforming types are values built from an `ImageProcessorConfig` (the file merged over the class defaults);
/// `preprocess` takes the call's keyword arguments as JSON overrides of that config, so Swift and the script layer
/// share one code path for `processor(images, size={"height": 32, "width": 32}, do_center_crop=False)`.
public protocol ImageProcessor: Sendable {
    /// The Python class name (`CLIPImageProcessor`), shown in reprs and written as `image_processor_type`.
    var className: String { get }
    /// The effective configuration (file values over class defaults).
    var config: ImageProcessorConfig { get }
    /// Python `image_processor(images, **kwargs)`.
    func preprocess(_ images: [Image], overrides: JSONObject) throws -> BatchFeature
}

extension ImageProcessor {
    public func callAsFunction(_ images: [Image], overrides: JSONObject = [:]) throws -> BatchFeature {
        try preprocess(images, overrides: overrides)
    }

    public func callAsFunction(_ image: Image, overrides: JSONObject = [:]) throws -> BatchFeature {
        try preprocess([image], overrides: overrides)
    }

    /// The keyword arguments this processor's config knows; the reference rejects others in `validate_kwargs`
    /// only with a warning, and `CLIPProcessor` uses this set to route keyword arguments to the image processor.
    public var validKeys: Set<String> {
        Set(config.values.keys).union(["do_resize", "size", "resample", "do_center_crop", "crop_size", "do_rescale",
                                       "rescale_factor", "do_normalize", "image_mean", "image_std", "do_convert_rgb",
                                       "return_tensors", "data_format", "input_data_format", "do_pad", "size_divisor"])
    }
}
