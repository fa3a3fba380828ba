// pixel_values of CLIPImageProcessor and ViTImageProcessor against the reference (transformers 4.55.4, Pillow)
// on small real photos: Tests/ProcessorsTests/Fixtures, written by Scripts/fixtures/processors/make_processor_fixtures.py.
import Foundation
import Hub
import Media
import Processors
import Testing

enum ProcessorFixtures {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    struct Case: Sendable {
        let name: String
        let className: String
        let config: JSONObject
        let kwargs: JSONObject
        let images: [String]
        let shape: [Int]
        let offset: Int
        let count: Int
        let full: Bool
        let step: Int
        let sum: Double
        let sumSquares: Double
    }

    static let cases: [Case] = {
        guard let json = try? JSONValue(contentsOf: folder.appendingPathComponent("cases.json")), let items = json.arrayValue else { return [] }
        return items.compactMap { item in
            guard let name = item["name"]?.stringValue, let className = item["class"]?.stringValue,
                  let config = item["config"]?.objectValue, let kwargs = item["kwargs"]?.objectValue,
                  let images = item["images"]?.arrayValue?.compactMap(\.stringValue),
                  let shape = item["shape"]?.arrayValue?.compactMap(\.intValue),
                  let offset = item["offset"]?.intValue, let count = item["count"]?.intValue,
                  let full = item["full"]?.boolValue, let step = item["step"]?.intValue,
                  let sum = item["sum"]?.doubleValue, let sumSquares = item["sum_squares"]?.doubleValue
            else { return nil }
            return Case(name: name, className: className, config: config, kwargs: kwargs, images: images, shape: shape,
                        offset: offset, count: count, full: full, step: step, sum: sum, sumSquares: sumSquares)
        }
    }()

    static let expected: [Float] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.bin")) else { return [] }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }()

    static func image(_ name: String) throws -> Image { try Image.open(folder.appendingPathComponent("photos/\(name)").path) }
}

@Suite("Image processors")
struct ImageProcessorTests {
    @Test func fixturesArePresent() {
        #expect(ProcessorFixtures.cases.count >= 25)
        #expect(!ProcessorFixtures.expected.isEmpty)
    }

    @Test(arguments: ProcessorFixtures.cases.map(\.name))
    func pixelValuesMatchReference(_ name: String) throws {
        let c = try #require(ProcessorFixtures.cases.first { $0.name == name })
        let processor = try ImageProcessorRegistry.make(c.className, config: ImageProcessorConfig(c.config))
        let images = try c.images.map(ProcessorFixtures.image)
        let output = try processor(images, overrides: c.kwargs)
        let tensor = try output.tensor("pixel_values")
        #expect(tensor.shape == c.shape)
        let values = tensor.contiguous().floats()
        let expected = ProcessorFixtures.expected[c.offset..<(c.offset + c.count)]
        var worst: Float = 0
        for (k, e) in expected.enumerated() { worst = max(worst, abs(values[k * c.step] - e)) }
        #expect(worst <= 1e-4, "\(name): largest difference \(worst)")
        let sum = values.reduce(0.0) { $0 + Double($1) }
        let squares = values.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(sum - c.sum) <= 1e-4 * Double(values.count), "\(name): sum \(sum) vs \(c.sum)")
        #expect(abs(squares - c.sumSquares) <= 1e-4 * Double(values.count), "\(name): sum of squares \(squares) vs \(c.sumSquares)")
    }

    @Test func autoImageProcessorReadsSavedFolder() throws {
        let processor = try AutoImageProcessor.fromFolder(ProcessorFixtures.folder.appendingPathComponent("clip-processor"))
        #expect(processor.className == "CLIPImageProcessor")
        let c = try #require(ProcessorFixtures.cases.first { $0.name == "saved folder" })
        let values = try processor(ProcessorFixtures.image("chelsea.png")).tensor("pixel_values").floats()
        let expected = Array(ProcessorFixtures.expected[c.offset..<(c.offset + c.count)])
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-4 })
    }

    @Test func grayImageWithoutConversionIsAClearError() throws {
        let processor = try ViTImageProcessor.make(ImageProcessorConfig())
        #expect(throws: ProcessorError.self) { try processor(ProcessorFixtures.image("camera.png")) }
    }

    @Test func differentSizesCannotStack() throws {
        let processor = try ViTImageProcessor.make(ImageProcessorConfig())
        let output = try processor([ProcessorFixtures.image("chelsea.png"), ProcessorFixtures.image("coffee.png")],
                                   overrides: ["do_resize": false])
        #expect(output.pixelValues?.count == 2)
        #expect(throws: ProcessorError.self) { try output.tensor("pixel_values") }
    }

    @Test func sizeDictRules() throws {
        #expect(try SizeDict(.int(224), defaultToSquare: false) == SizeDict(shortestEdge: 224))
        #expect(try SizeDict(.int(224), defaultToSquare: true) == SizeDict(height: 224, width: 224))
        #expect(throws: ProcessorError.self) { try SizeDict(.object(["height": 3]), defaultToSquare: true) }
        // int(224 * 451 / 300) = 336, the long side truncated as the reference does.
        let size = try SizeDict(shortestEdge: 224).outputSize(height: 300, width: 451)
        #expect(size.height == 224 && size.width == 336)
        let capped = try SizeDict(shortestEdge: 100, longestEdge: 120).outputSize(height: 100, width: 300)
        #expect(capped.height == 40 && capped.width == 120)
    }

    @Test func paddingModesFollowNumpy() throws {
        let a = try PixelArray(channels: 1, height: 1, width: 3, values: [1, 2, 3])
        #expect(try a.padded(top: 0, bottom: 0, left: 2, right: 2, mode: .symmetric).values == [2, 1, 1, 2, 3, 3, 2])
        #expect(try a.padded(top: 0, bottom: 0, left: 2, right: 2, mode: .reflect).values == [3, 2, 1, 2, 3, 2, 1])
        #expect(try a.padded(top: 0, bottom: 0, left: 1, right: 1, mode: .replicate).values == [1, 1, 2, 3, 3])
        #expect(try a.padded(top: 1, bottom: 0, left: 0, right: 1, value: 9).values == [9, 9, 9, 9, 1, 2, 3, 9])
    }
}
