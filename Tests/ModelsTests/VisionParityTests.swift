import Foundation
import Testing
@testable import Models
import Tensors

/// DPT, GLPN, Swin2SR, ResNet and MobileNetV2 on tiny random checkpoints (Scripts/fixtures/vision2/
/// tiny_vision_models.py) reproduce the reference's outputs for the same `pixel_values` to 1e-4 (relative to the
/// largest reference value when that exceeds 1).
@Suite struct VisionParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/vision2", withExtension: nil)!
    static let cases: [(String, ModelTask)] = [
        ("dpt", .depthEstimation), ("glpn", .depthEstimation), ("swin2sr", .imageToImage),
        ("resnet", .imageClassification), ("mobilenet_v2", .imageClassification),
    ]

    @Test(arguments: cases.map(\.0))
    func matchesReference(name: String) throws {
        let task = try #require(Self.cases.first { $0.0 == name }?.1)
        let folder = Self.fixtures.appendingPathComponent(name)
        let (model, report) = try AutoModel.fromPretrained(folder.path, task: task)
        #expect(report.unexpected.isEmpty, "\(name): unexpected \(report.unexpected)")
        #expect(report.newlyInitialized.isEmpty, "\(name): initialized \(report.newlyInitialized)")
        let expected = try Safetensors.load(folder.appendingPathComponent("expected.safetensors").path)
        let pixels = try #require(expected["pixel_values"])
        var inputs = try ModelInputs(["pixel_values": pixels])
        inputs.outputHiddenStates = expected.keys.contains { $0.hasPrefix("hidden_states.") }
        let output = try model.forward(inputs)
        for (key, want) in expected where key != "pixel_values" {
            let parts = key.split(separator: ".")
            let got: Tensor?
            if parts.count == 2, case .tensors(let list)? = output[String(parts[0])], let i = Int(parts[1]), i < list.count {
                got = list[i]
            } else {
                got = output.tensor(key)
            }
            let actual = try #require(got, "\(name): no output \(key)")
            #expect(actual.shape == want.shape, "\(name) \(key): \(actual.shape) vs \(want.shape)")
            guard actual.shape == want.shape else { continue }
            // 1e-4 relative to the output's magnitude (DPT's random depth maps reach the thousands).
            let scale = max(1, want.floats().map { abs($0) }.max() ?? 0)
            let difference = zip(actual.floats(), want.floats()).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-4 * scale, "\(name) \(key): max |Δ| = \(difference) (scale \(scale))")
        }
    }

    @Test func missingPixelValuesIsAClearError() throws {
        let (model, _) = try AutoModel.fromPretrained(Self.fixtures.appendingPathComponent("resnet").path, task: .imageClassification)
        #expect(throws: ModelError.self) { try model.forward(ModelInputs()) }
        let wrongChannels = Tensor.zeros([1, 1, 8, 8])
        #expect(throws: ModelError.self) { try model.forward(ModelInputs(["pixel_values": wrongChannels])) }
    }

    @Test func unsupportedHeadIsAnError() {
        #expect(throws: ModelError.self) {
            try AutoModel.fromPretrained(Self.fixtures.appendingPathComponent("swin2sr").path, task: .maskedLM)
        }
    }
}
