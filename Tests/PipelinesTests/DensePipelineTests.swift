import Foundation
import Media
import Models
import Pipelines
import Processors
import Tensors
import Testing

/// DPT/GLPN/Swin2SR image processors and the depth-estimation / image-to-image pipelines against the reference
/// (Scripts/fixtures/vision2/dense_pipelines.py): `pixel_values` to 1e-4, predicted depth to 1e-4 (relative to its
/// magnitude), and the 8-bit pictures byte for byte (±1 where a float rounding lands on a .0/.5 boundary).
@Suite struct DensePipelineTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/vision2", withExtension: nil)!
    /// The tiny checkpoints live with the model parity fixtures.
    static let checkpoints = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures/vision2")
    static let expected: [String: Tensor] = (try? Safetensors.load(fixtures.appendingPathComponent("expected.safetensors").path)) ?? [:]

    static func image(_ name: String) throws -> Image { try Image.open(fixtures.appendingPathComponent(name).path) }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.contiguous().floats(), b.contiguous().floats()).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: ["dpt", "glpn", "swin2sr", "dpt-keep-aspect", "dpt-pad", "dpt-int-size"])
    func processorMatchesReference(name: String) throws {
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json"))) as? [String: [String: String]]
        let imageName = try #require(cases?[name]?["image"])
        let processor = try DenseImageProcessors.load(folder: Self.fixtures.appendingPathComponent("processors/\(name)"))
        #expect(processor.className == cases?[name]?["class"])
        let pixels = try processor.pixelValues([Self.image(imageName)])
        let want = try #require(Self.expected["\(name).pixel_values"])
        #expect(pixels.shape == want.shape)
        if pixels.shape == want.shape { #expect(Self.maxDifference(pixels, want) <= 1e-4, "\(name)") }
    }

    @Test(arguments: ["dpt", "glpn"])
    func depthEstimationMatchesReference(name: String) throws {
        let pipeline = try DepthEstimationPipeline(model: Self.checkpoints.appendingPathComponent(name).path)
        let result = try #require(try pipeline([Self.image("photo.png")]).first)
        let wantDepth = try #require(Self.expected["\(name).predicted_depth"])
        #expect(result.predictedDepth.shape == wantDepth.shape)
        let scale = max(1, wantDepth.floats().map { abs($0) }.max() ?? 0)
        #expect(Self.maxDifference(result.predictedDepth, wantDepth) <= 1e-4 * scale)
        let wantPicture = try #require(Self.expected["\(name).depth"]).int64s().map { Int($0) }
        #expect(result.depth.width == wantDepth.shape[1] && result.depth.height == wantDepth.shape[0] && result.depth.mode == .l)
        let offByOne = zip(result.depth.pixels.map(Int.init), wantPicture).filter { $0 != $1 }
        #expect(offByOne.allSatisfy { abs($0.0 - $0.1) <= 1 } && offByOne.count <= wantPicture.count / 100,
                "\(name): \(offByOne.count) pixels differ")
    }

    @Test func imageToImageMatchesReference() throws {
        let pipeline = try ImageToImagePipeline(model: Self.checkpoints.appendingPathComponent("swin2sr").path)
        let result = try #require(try pipeline([Self.image("cat.png")]).first)
        let want = try #require(Self.expected["swin2sr.image"])
        #expect([result.height, result.width, 3] == want.shape)
        let wantBytes = want.int64s().map { Int($0) }
        let differing = zip(result.pixels.map(Int.init), wantBytes).filter { $0 != $1 }
        #expect(differing.allSatisfy { abs($0.0 - $0.1) <= 1 } && differing.count <= wantBytes.count / 100,
                "\(differing.count) bytes differ")
    }

    @Test func processorErrorsNameTheProblem() throws {
        #expect(throws: DenseImageProcessorError.self) {
            try DenseImageProcessors.make(config: ["image_processor_type": "CLIPImageProcessor"])
        }
        let glpn = try DenseImageProcessors.make(config: ["image_processor_type": "GLPNImageProcessor"])
        let tiny = try Image(mode: .rgb, size: (8, 8))
        #expect(throws: DenseImageProcessorError.self) { try glpn.pixelValues([tiny]) }
        #expect(throws: DenseImageProcessorError.self) {
            try DensePostProcessing.depth(Tensor.zeros([2, 4, 4]), targetSizes: [(8, 8)])
        }
    }
}
