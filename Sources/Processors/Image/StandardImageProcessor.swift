import Hub
import Media

/// The processing every "resize → center crop → rescale → normalize" processor shares (CLIP's and ViT's, and
/// many more in the reference, each a copy of `preprocess` in its own file): optional RGB conversion, Pillow
/// resize to the `size` dict, optional center crop, then rescale and normalize into float32 channel planes.
///
/// Each class is this processor with its own defaults and name (see `CLIPImageProcessor`, `ViTImageProcessor`).
public struct StandardImageProcessor: ImageProcessor {
    public let className: String
    public let config: ImageProcessorConfig
    /// Whether a bare int `size` means a square (`ViT`) or the shortest edge (`CLIP`), per the class's `__init__`.
    let sizeDefaultsToSquare: Bool

    public init(className: String, config: ImageProcessorConfig, defaults: JSONObject, sizeDefaultsToSquare: Bool) throws {
        self.className = className
        self.config = config.withDefaults(defaults)
        self.sizeDefaultsToSquare = sizeDefaultsToSquare
        _ = try Settings(self.config, sizeDefaultsToSquare: sizeDefaultsToSquare)  // a bad file fails at load time
    }

    /// The config read once per call with the reference's types.
    struct Settings: Sendable {
        let convertRGB: Bool
        let resize: SizeDict?
        let resample: Resampling
        let crop: SizeDict?
        let rescale: Double?
        let mean: [Double]?
        let std: [Double]?
        let channelsLast: Bool

        init(_ config: ImageProcessorConfig, sizeDefaultsToSquare: Bool) throws {
            convertRGB = try config.bool("do_convert_rgb", default: false)
            resize = try config.bool("do_resize", default: false) ? try config.size("size", defaultToSquare: sizeDefaultsToSquare) : nil
            resample = try config.resampling(default: .bilinear)
            crop = try config.bool("do_center_crop", default: false) ? try config.size("crop_size", defaultToSquare: true) : nil
            rescale = try config.bool("do_rescale", default: false) ? try config.double("rescale_factor", default: 1.0 / 255) : nil
            if try config.bool("do_normalize", default: false) {
                mean = try config.channelValues("image_mean", default: [0.5, 0.5, 0.5])
                std = try config.channelValues("image_std", default: [0.5, 0.5, 0.5])
            } else {
                (mean, std) = (nil, nil)
            }
            if try config.bool("do_resize", default: false), resize == nil {
                throw ProcessorError.invalidConfig("do_resize is True but the processor has no size")
            }
            if try config.bool("do_center_crop", default: false), crop?.height == nil || crop?.width == nil {
                throw ProcessorError.invalidConfig("The size dictionary must have keys 'height' and 'width'. Got crop_size \(crop.map(\.description) ?? "None")")
            }
            switch config.string("data_format") ?? "channels_first" {
            case "channels_first": channelsLast = false
            case "channels_last": channelsLast = true
            case let other: throw ProcessorError.invalidArgument("data_format must be 'channels_first' or 'channels_last', got '\(other)'")
            }
        }
    }

    public func preprocess(_ images: [Image], overrides: JSONObject) throws -> BatchFeature {
        let settings = try Settings(config.overriding(overrides), sizeDefaultsToSquare: sizeDefaultsToSquare)
        var output = BatchFeature()
        output.channelsLast = settings.channelsLast
        output.set("pixel_values", .images(try ImageBatchParallelism.map(images) { try process($0, settings) }))
        return output
    }

    func process(_ input: Image, _ s: Settings) throws -> PixelArray {
        var image = input
        if s.convertRGB && image.mode != .rgb { image = image.converted(to: .rgb) }
        guard image.mode == .rgb else {
            // The reference's numpy path cannot infer a channel axis for L (2-D), LA or RGBA arrays either.
            throw ProcessorError.invalidArgument(
                "\(className): the image is mode \(image.mode.rawValue) but RGB is needed; pass do_convert_rgb=True or convert(\"RGB\") first")
        }
        if let size = s.resize {
            let target = try size.outputSize(height: image.height, width: image.width)
            if let crop = s.crop, let height = crop.height, let width = crop.width {
                // Resize and center crop in one step that computes only the kept pixels (same bytes).
                image = try image.processorResizedAndCentered(
                    height: target.height, width: target.width, resample: s.resample, cropHeight: height, cropWidth: width)
                return try PixelArray(image, rescale: s.rescale, mean: s.mean, std: s.std)
            }
            image = try image.processorResized(height: target.height, width: target.width, resample: s.resample)
        }
        if let crop = s.crop, let height = crop.height, let width = crop.width {
            image = try image.centerCropped(height: height, width: width)
        }
        return try PixelArray(image, rescale: s.rescale, mean: s.mean, std: s.std)
    }
}
