import Foundation
import Testing

@testable import Media

/// One check recorded by Scripts/fixtures/media/make_images.py: Pillow's result for an operation
/// on a fixture, stored as raw bytes in expected.bin.
struct PillowCase: Decodable, Sendable, CustomTestStringConvertible {
    let kind: String
    let name: String
    let mode: String?
    let width: Int?
    let height: Int?
    let offset: Int?
    let length: Int?
    let format: String?
    let orientation: Int?
    let target: String?
    let filter: String?
    let size: [Int]?
    let box: [Double]?
    let method: String?
    let angle: Double?
    let expand: Bool?
    let quality: Int?
    let error: String?
    let source_pixels: String?
    let factor: [Int]?
    let reducing_gap: Double?
    let file: String?

    var testDescription: String {
        var parts = [kind, name]
        if let target { parts.append("→ \(target)") }
        if let filter { parts.append(filter) }
        if let size { parts.append("\(size)") }
        if let box { parts.append("box \(box)") }
        if let method { parts.append(method) }
        if let angle { parts.append("\(angle)°\(expand == true ? " expand" : "")") }
        if let quality { parts.append("q\(quality)") }
        return parts.joined(separator: " ")
    }
}

enum Fixtures {
    static let directory: URL = {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }()

    static func path(_ name: String) -> String {
        directory.appendingPathComponent("images").appendingPathComponent(name).path
    }

    static let cases: [PillowCase] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try! JSONDecoder().decode([PillowCase].self, from: data)
    }()

    static let expectedBlob: [UInt8] = {
        [UInt8](try! Data(contentsOf: directory.appendingPathComponent("expected.bin")))
    }()

    static func cases(_ kind: String) -> [PillowCase] { cases.filter { $0.kind == kind } }

    /// Pillow's image for a case, as an `Image`.
    static func expected(_ item: PillowCase) throws -> Image {
        let start = item.offset!
        let bytes = Array(expectedBlob[start..<(start + item.length!)])
        return try Image(width: item.width!, height: item.height!, mode: ImageMode(pillowName: item.mode!), pixels: bytes)
    }

    /// The fixture decoded by our loader.
    static func load(_ name: String) throws -> Image { try Image.open(path(name)) }
}

/// The largest absolute per-sample difference and how many samples differ.
func sampleDifference(_ a: Image, _ b: Image) -> (maximum: Int, count: Int) {
    var maximum = 0
    var count = 0
    for (x, y) in zip(a.pixels, b.pixels) where x != y {
        maximum = max(maximum, abs(Int(x) - Int(y)))
        count += 1
    }
    return (maximum, count)
}

/// Checks size, mode and exact pixels, reporting the first mismatches readably.
func expectSameImage(_ actual: Image, _ expected: Image, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.mode == expected.mode, sourceLocation: sourceLocation)
    #expect(actual.width == expected.width && actual.height == expected.height,
            "size \(actual.size) vs Pillow \(expected.size)", sourceLocation: sourceLocation)
    guard actual.mode == expected.mode, actual.pixels.count == expected.pixels.count else { return }
    let difference = sampleDifference(actual, expected)
    #expect(difference.count == 0,
            "\(difference.count) samples differ from Pillow (max \(difference.maximum))", sourceLocation: sourceLocation)
}

/// The `ImageError` thrown by `body`, or nil when it succeeds.
func imageError(_ body: () throws(ImageError) -> Void) -> ImageError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}
