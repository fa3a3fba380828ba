// image-classification, zero-shot-image-classification and image-feature-extraction against the reference pipelines
// on the tiny checkpoints (Tests/VisionTests/Fixtures/vision_expected.json, "pipelines").
import Foundation
import Hub
import Media
import Pipelines
import Testing

/// The reference's result as a PipelineValue: lists, [[key, value]] dicts, {"float": x}, strings, ints.
func referenceValue(_ json: JSONValue) -> PipelineValue {
    switch json {
    case .object(let object):
        if let f = object["float"]?.doubleValue { return .double(f) }
        return .none
    case .array(let items):
        // A dict is stored as a list of [key, value] pairs (no result holds such pairs otherwise).
        let isDict = !items.isEmpty && items.allSatisfy { $0.arrayValue?.count == 2 && $0.arrayValue?.first?.stringValue != nil }
        if isDict {
            return .dict(items.compactMap { item in
                guard let pair = item.arrayValue, let key = pair[0].stringValue else { return nil }
                return (key, referenceValue(pair[1]))
            })
        }
        return .list(items.map(referenceValue))
    case .string(let s): return .string(s)
    case .int(let i): return .int(i)
    case .double(let d): return .double(d)
    case .bool(let b): return .bool(b)
    case .null: return .none
    }
}

/// Equal structure, labels and order; numbers within `tolerance`.
func close(_ a: PipelineValue, _ b: PipelineValue, tolerance: Double) -> Bool {
    switch (a, b) {
    case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { close($0, $1, tolerance: tolerance) }
    case (.dict(let x), .dict(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && close($0.1, $1.1, tolerance: tolerance) }
    case (.double(let x), .double(let y)): return abs(x - y) <= tolerance
    default: return a == b
    }
}

@Suite("Vision pipelines")
struct VisionPipelineTests {
    static let cases: [JSONValue] = VisionFixtures.expected["pipelines"]?.arrayValue ?? []

    @Test func casesArePresent() { #expect(Self.cases.count >= 10) }

    @Test(arguments: 0..<11)
    func pipelineMatchesReference(_ index: Int) throws {
        guard index < Self.cases.count else { return }
        let c = Self.cases[index]
        let task = try #require(c["task"]?.stringValue)
        let pipe = try Pipeline.makeAny(task: task, model: VisionFixtures.checkpoint(try #require(c["model"]?.stringValue)))
        let input: PipelineValue
        if let names = c["inputs"]?.arrayValue {
            input = .list(try names.map { .image(try VisionFixtures.photo($0.stringValue ?? "")) })
        } else {
            // Paths exercise load_image's file branch.
            input = .string(VisionFixtures.photos.appendingPathComponent(c["inputs"]?.stringValue ?? "").path)
        }
        var options: [String: PipelineValue] = [:]
        for (key, value) in c["kwargs"]?.objectValue ?? [:] {
            switch value {
            case .array(let items): options[key] = .list(items.map { .string($0.stringValue ?? "") })
            case .string(let s): options[key] = .string(s)
            case .int(let i): options[key] = .int(i)
            case .bool(let b): options[key] = .bool(b)
            default: continue
            }
        }
        let result = try pipe(input, options)
        let expected = referenceValue(try #require(c["output"]))
        #expect(close(result, expected, tolerance: 1e-5), "\(task) \(options): got \(result)\nexpected \(expected)")
    }

    @Test func missingFileAndOfflineURLAreClearErrors() throws {
        let pipe = try Pipeline.makeAny(task: "image-classification", model: VisionFixtures.checkpoint("tiny-vit"))
        #expect(throws: PipelineError.self) { try pipe("/nonexistent/cat.png") }
        #expect(throws: (any Error).self) { try pipe("http://127.0.0.1:9/cat.png") }
    }

    @Test func unknownOptionIsRejected() throws {
        let pipe = try Pipeline.makeAny(task: "zero-shot-image-classification", model: VisionFixtures.checkpoint("tiny-clip"))
        #expect(throws: PipelineError.self) { try pipe(.image(try VisionFixtures.photo("coffee.png")), ["candidate_label": ["a"]]) }
        #expect(throws: PipelineError.self) { try pipe(.image(try VisionFixtures.photo("coffee.png"))) }
    }

    @Test func hypothesisTemplateFormatting() {
        #expect(ZeroShotTemplate.format("This is a photo of {}.", "cat") == "This is a photo of cat.")
        #expect(ZeroShotTemplate.format("{{literal}} {0}", "x") == "{literal} x")
    }
}
