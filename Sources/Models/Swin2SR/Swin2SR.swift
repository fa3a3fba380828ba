import Hub
import Tensors

// Follows transformers/models/swin2sr/modeling_swin2sr.py (`Swin2SRModel`, `Swin2SRStage`,
// `Swin2SRForImageSuperResolution`): the image is reflect-padded to a window multiple and mean-shifted, a 3×3 conv
// embeds it, residual Swin V2 stages (each closed by a conv) refine it, and an upsampler rebuilds the image at
// `upscale`× — "pixelshuffle" (caidas/swin2SR-classical-sr-x2-64), "pixelshuffledirect" or none.

/// One residual stage: Swin layers, then conv (1conv / 3conv) and the 1×1 patch re-embedding, plus the input.
struct Swin2SRStage: Sendable {
    let layers: [Swin2SRLayer]
    let convs: [Conv2dLayer]  // one (1conv) or three (3conv, with leaky ReLU 0.2 between)
    let reembed: Conv2dLayer

    func callAsFunction(_ x: Tensor, height: Int, width: Int, layouts: [Swin2SRWindows]) throws -> Tensor {
        var hidden = x
        for (layer, layout) in zip(layers, layouts) { hidden = try layer(hidden, height: height, width: width, windows: layout) }
        var map = try hidden.spatialMap(height: height, width: width)
        for (i, conv) in convs.enumerated() {
            map = try conv(map)
            if i < convs.count - 1 { map = try map.leakyRelu(0.2) }
        }
        return try reembed(map).flattenedTokens().add(x)
    }
}

/// `Swin2SRForImageSuperResolution`.
public final class Swin2SRModel: PretrainedModel {
    public enum Upsampler: String, Sendable { case pixelshuffle, pixelshuffledirect }

    public let config: PretrainedConfig
    let firstConvolution: Conv2dLayer
    let embedding: Conv2dLayer, embeddingNorm: LayerNorm
    let stages: [Swin2SRStage]
    let finalNorm: LayerNorm
    let convAfterBody: Conv2dLayer
    let upsampler: Upsampler
    let beforeUpsample: Conv2dLayer?
    let upsampleConvs: [(conv: Conv2dLayer, factor: Int)]
    let finalConvolution: Conv2dLayer
    let mean: Tensor
    let imageRange: Double
    public let upscale: Int
    public let windowSize: Int
    let channels: Int

    public init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .imageToImage else { throw ModelError.unsupportedTask(modelType: "swin2sr", task: task.rawValue) }
        self.config = config
        channels = config.intValue("num_channels", default: 3)
        let outChannels = config.int("num_channels_out") ?? channels
        let dim = config.intValue("embed_dim", default: 180)
        let depths = try config.intList("depths", default: [6, 6, 6, 6, 6, 6])
        let heads = try config.intList("num_heads", default: [6, 6, 6, 6, 6, 6])
        windowSize = config.intValue("window_size", default: 8)
        let patchSize = config.intValue("patch_size", default: 1)
        let imageSize = config.intValue("image_size", default: 64)
        let eps = config.doubleValue("layer_norm_eps", default: 1e-5)
        upscale = config.intValue("upscale", default: 2)
        imageRange = config.doubleValue("img_range", default: 1)
        guard patchSize == 1 else { throw ModelError.invalidConfig("swin2sr: only patch_size 1 is supported, found \(patchSize)") }
        guard depths.count == heads.count, heads.allSatisfy({ $0 > 0 && dim % $0 == 0 }) else {
            throw ModelError.invalidConfig("swin2sr: depths \(depths) and num_heads \(heads) must match, and divide embed_dim \(dim)")
        }
        guard config.boolValue("use_absolute_embeddings", default: false) == false else {
            throw ModelError.invalidConfig("swin2sr: use_absolute_embeddings is not supported")
        }
        let activation = try Activation(config: config.stringValue("hidden_act", default: "gelu"))
        let mlpRatio = config.doubleValue("mlp_ratio", default: 2)
        let qkvBias = config.boolValue("qkv_bias", default: true)
        // `_compute_window_shift`: windows never exceed the configured grid, and no shift when they cover it.
        let window = min(windowSize, imageSize / patchSize)
        let shiftSize = imageSize / patchSize <= window ? 0 : windowSize / 2

        let base = weights.scoped("swin2sr")
        firstConvolution = try Conv2dLayer(base, "first_convolution", in: channels, out: dim, kernel: 3, padding: 1)
        embedding = try Conv2dLayer(base.scoped("embeddings.patch_embeddings"), "projection", in: dim, out: dim, kernel: 1)
        embeddingNorm = try LayerNorm(base.scoped("embeddings.patch_embeddings"), "layernorm", size: dim, eps: 1e-5)
        let residual = config.stringValue("resi_connection", default: "1conv")
        guard residual == "1conv" || residual == "3conv" else {
            throw ModelError.invalidConfig("swin2sr: unknown resi_connection '\(residual)'")
        }
        stages = try depths.indices.map { s in
            let scope = base.scoped("encoder.stages.\(s)")
            let layers = try (0..<depths[s]).map { l in
                try Swin2SRLayer(scope.scoped("layers.\(l)"), dim: dim, heads: heads[s], window: window,
                                 shift: l % 2 == 0 ? 0 : shiftSize, mlpRatio: mlpRatio, eps: eps, qkvBias: qkvBias,
                                 activation: activation)
            }
            let convs = residual == "1conv"
                ? [try Conv2dLayer(scope, "conv", in: dim, out: dim, kernel: 3, padding: 1)]
                : [try Conv2dLayer(scope.scoped("conv"), "0", in: dim, out: dim / 4, kernel: 3, padding: 1),
                   try Conv2dLayer(scope.scoped("conv"), "2", in: dim / 4, out: dim / 4, kernel: 1),
                   try Conv2dLayer(scope.scoped("conv"), "4", in: dim / 4, out: dim, kernel: 3, padding: 1)]
            return Swin2SRStage(layers: layers, convs: convs,
                                reembed: try Conv2dLayer(scope.scoped("patch_embed"), "projection", in: dim, out: dim, kernel: 1))
        }
        finalNorm = try LayerNorm(base, "layernorm", size: dim, eps: eps)
        convAfterBody = try Conv2dLayer(base, "conv_after_body", in: dim, out: dim, kernel: 3, padding: 1)

        let name = config.stringValue("upsampler", default: "pixelshuffle")
        guard let kind = Upsampler(rawValue: name) else {
            throw ModelError.invalidConfig("swin2sr: upsampler '\(name)' is not supported (pixelshuffle, pixelshuffledirect)")
        }
        upsampler = kind
        let up = weights.scoped("upsample")
        let features = 64  // fixed in the reference
        switch kind {
        case .pixelshuffle:
            beforeUpsample = try Conv2dLayer(up, "conv_before_upsample", in: dim, out: features, kernel: 3, padding: 1)
            if upscale > 0 && upscale & (upscale - 1) == 0 {
                upsampleConvs = try (0..<upscale.trailingZeroBitCount).map {
                    (try Conv2dLayer(up.scoped("upsample"), "convolution_\($0)", in: features, out: 4 * features, kernel: 3, padding: 1), 2)
                }
            } else if upscale == 3 {
                upsampleConvs = [(try Conv2dLayer(up.scoped("upsample"), "convolution", in: features, out: 9 * features, kernel: 3, padding: 1), 3)]
            } else {
                throw ModelError.invalidConfig("swin2sr: upscale \(upscale) is not supported (powers of 2 and 3)")
            }
            finalConvolution = try Conv2dLayer(up, "final_convolution", in: features, out: outChannels, kernel: 3, padding: 1)
        case .pixelshuffledirect:
            beforeUpsample = nil
            upsampleConvs = []
            finalConvolution = try Conv2dLayer(up, "conv", in: dim, out: upscale * upscale * outChannels, kernel: 3, padding: 1)
        }
        mean = channels == 3 && outChannels == 3
            ? try Tensor([0.4488, 0.4371, 0.4040], shape: [1, 3, 1, 1]) : Tensor.zeros([1, 1, 1, 1])
    }

    public func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        let pixels = try inputs.requirePixelValues(channels: channels, model: "Swin2SR")
        let (height, width) = (pixels.shape[2], pixels.shape[3])
        // `pad_and_normalize`.
        let padBottom = (windowSize - height % windowSize) % windowSize, padRight = (windowSize - width % windowSize) % windowSize
        let padded = padBottom + padRight > 0 ? try pixels.pad([0, padRight, 0, padBottom], mode: .reflect) : pixels
        let normalized = try padded.sub(mean).mul(.float(imageRange))
        let (h, w) = (padded.shape[2], padded.shape[3])

        let embedded = try firstConvolution(normalized)
        var hidden = try embeddingNorm(embedding(embedded).flattenedTokens())
        // One window layout per (window, shift), shared by the layers.
        var layoutCache: [[Int]: Swin2SRWindows] = [:]
        for stage in stages {
            let layouts = try stage.layers.map { layer -> Swin2SRWindows in
                if let cached = layoutCache[[layer.window, layer.shift]] { return cached }
                let layout = try Swin2SRWindows(batch: pixels.shape[0], height: h, width: w, window: layer.window, shift: layer.shift)
                layoutCache[[layer.window, layer.shift]] = layout
                return layout
            }
            hidden = try stage(hidden, height: h, width: w, layouts: layouts)
        }
        let body = try convAfterBody(finalNorm(hidden).spatialMap(height: h, width: w)).add(embedded)

        var image: Tensor
        switch upsampler {
        case .pixelshuffle:
            image = try beforeUpsample.map { try $0(body).leakyRelu(0.01) } ?? body
            for (conv, factor) in upsampleConvs { image = try conv(image).pixelShuffle(factor) }
            image = try finalConvolution(image)
        case .pixelshuffledirect:
            image = try finalConvolution(body).pixelShuffle(upscale)
        }
        image = try image.div(.float(imageRange)).add(mean)
            .narrow(2, start: 0, length: height * upscale).narrow(3, start: 0, length: width * upscale).contiguous()
        var output = ModelOutput("ImageSuperResolutionOutput")
        output.set("reconstruction", image)
        return output
    }
}
