// Shared access to the tiny ViT/CLIP checkpoints and the reference outputs on them
// (Tests/VisionTests/Fixtures, written by Scripts/fixtures/vision/make_vision_models.py).
import Foundation
import Hub
import Media
import Tensors

enum VisionFixtures {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The photos live with the processor fixtures.
    static let photos = repository.appendingPathComponent("Tests/ProcessorsTests/Fixtures/photos")

    static func checkpoint(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func photo(_ name: String) throws -> Image { try Image.open(photos.appendingPathComponent(name).path) }
    static let photoNames = ["chelsea.png", "astronaut.jpg", "coffee.png"]

    static let expected: JSONValue = (try? JSONValue(contentsOf: folder.appendingPathComponent("vision_expected.json"))) ?? .null

    /// A `{"tensor": [...], "shape": [...]}` entry of the models section.
    static func tensor(_ key: String) -> (values: [Float], shape: [Int])? {
        guard let entry = expected["models"]?[key], let values = entry["tensor"]?.arrayValue,
              let shape = entry["shape"]?.arrayValue else { return nil }
        return (values.compactMap { $0.doubleValue.map(Float.init) }, shape.compactMap(\.intValue))
    }

    static func integers(_ key: String) -> [[Int]]? {
        expected["models"]?[key]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] }
    }
}

/// The largest absolute difference, or infinity when the shapes differ.
func maxDifference(_ tensor: Tensor, _ expected: (values: [Float], shape: [Int])) -> Float {
    guard tensor.shape == expected.shape else { return .infinity }
    let values = tensor.contiguous().floats()
    return zip(values, expected.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
