import Foundation
import Testing

@testable import Media

@Suite struct EncodingTests {
    @Test(arguments: ["rgb8.png", "rgba8.png", "gray8.png", "gray_alpha8.png", "gray16.png"])
    func pngRoundTripIsLossless(_ name: String) throws {
        let image = try Fixtures.load(name)
        let decoded = try Image(data: image.pngData())
        #expect(decoded == image)
        #expect(decoded.mode == image.mode)
    }

    /// Our encoder (libjpeg-turbo, Pillow's defaults: 4:2:0) then our decoder should give what
    /// Pillow's encoder then Pillow's decoder give: both sides are libjpeg-turbo with the same settings.
    @Test(arguments: Fixtures.cases("encode_jpeg"))
    func jpegEncodingMatchesPillow(_ item: PillowCase) throws {
        let sourceCase = try #require(Fixtures.cases("source").first { $0.name == item.source_pixels })
        let source = try Fixtures.expected(sourceCase)
        let decoded = try Image(data: source.jpegData(quality: item.quality!))
        let expected = try Fixtures.expected(item)
        let difference = sampleDifference(decoded, expected)
        #expect(decoded.mode == expected.mode)
        #expect(difference.maximum <= 1, "max difference \(difference.maximum) over \(difference.count) samples")
        #expect(difference.count == 0, "\(difference.count) samples differ (max \(difference.maximum))")
    }

    @Test func saveChoosesTheFormatByExtension() throws {
        let image = try Fixtures.load("rgb8.png")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("media-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("out.PNG").path
        let jpeg = directory.appendingPathComponent("out.jpeg").path
        try image.save(png)
        let photoCase = try #require(Fixtures.cases("source").first { $0.name == "photo" })
        let photo = try Fixtures.expected(photoCase)
        try photo.save(jpeg, quality: 95)
        #expect(try Image.open(png) == image)
        let reloaded = try Image.open(jpeg)
        #expect(reloaded.format == "JPEG")
        #expect(reloaded.size == photo.size && reloaded.mode == .rgb)
        // The file holds exactly what the encoder makes at that quality (lossy: Pillow's own
        // round trip of this high-frequency picture has the same 22.6 mean error).
        #expect(try Data(contentsOf: URL(fileURLWithPath: jpeg)) == Data(photo.jpegData(quality: 95)))
        #expect(try reloaded != Image(data: photo.jpegData(quality: 30)))
        let unknown = imageError { () throws(ImageError) in try image.save(directory.appendingPathComponent("x.gif").path) }
        #expect(unknown == .unsupportedFileExtension("gif"))
    }

    @Test func jpegRefusesAlphaLikePillow() throws {
        let image = try Fixtures.load("rgba8.png")
        #expect(throws: ImageError.self) { try image.jpegData() }
        #expect(throws: ImageError.self) { try image.converted(to: .rgb).jpegData(quality: 0) }
    }
}
