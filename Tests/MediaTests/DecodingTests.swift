import Foundation
import Testing

@testable import Media

@Suite struct DecodingTests {
    @Test(arguments: Fixtures.cases("decode"))
    func decodedPixelsEqualPillow(_ item: PillowCase) throws {
        let image = try Fixtures.load(item.name)
        let expected = try Fixtures.expected(item)
        #expect(image.format == item.format)
        expectSameImage(image, expected)
    }

    @Test func decodingFromBytesMatchesDecodingFromPath() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("interlaced_rgb8.png"))))
        #expect(try Image(data: bytes) == Fixtures.load("interlaced_rgb8.png"))
    }

    @Test(arguments: Fixtures.cases("exif_transpose"))
    func exifTransposeEqualsPillow(_ item: PillowCase) throws {
        let image = try Fixtures.load(item.name)
        #expect(image.orientation == item.orientation)
        let transposed = image.exifTranspose()
        #expect(transposed.orientation == nil)
        expectSameImage(transposed, try Fixtures.expected(item))
    }

    @Test(arguments: Fixtures.cases("error"))
    func badFilesThrow(_ item: PillowCase) throws {
        let error = imageError { () throws(ImageError) in _ = try Image.open(Fixtures.path(item.name)) }
        #expect(error != nil, "\(item.name) decoded without error")
        if item.error == "decompressionBomb" {
            #expect(error == .decompressionBomb(pixels: 20000 * 20000, limit: 2 * 89_478_485, source: Fixtures.path(item.name)))
        } else if case .decompressionBomb = error {
            Issue.record("\(item.name): unexpected decompression-bomb error")
        }
    }

    @Test func errorMessagesNameTheProblem() throws {
        let truncated = imageError { () throws(ImageError) in _ = try Image.open(Fixtures.path("truncated.jpg")) }
        #expect(truncated?.description.contains("truncated") == true)
        #expect(truncated?.description.contains("truncated.jpg") == true)
        let text = imageError { () throws(ImageError) in _ = try Image.open(Fixtures.path("not_an_image.png")) }
        #expect(text == .unrecognizedFormat(source: Fixtures.path("not_an_image.png")))
        let missing = imageError { () throws(ImageError) in _ = try Image.open("/nonexistent/cat.png") }
        #expect(missing == .fileNotFound("/nonexistent/cat.png"))
    }

    @Test func pixelLimitCanBeLoweredOrDisabled() throws {
        #expect(throws: ImageError.self) { try Image.open(Fixtures.path("rgb8.png"), maxPixels: 100) }
        #expect(try Image.open(Fixtures.path("rgb8.png"), maxPixels: nil).size == (17, 13))
    }

    @Test func offlineURLIsAClearError() throws {
        // No network in CI: an unresolvable host must fail with a network error naming the URL.
        let error = imageError { () throws(ImageError) in _ = try Image.open("http://no-such-host.invalid/cat.png") }
        guard case .network(let url, _) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(url == "http://no-such-host.invalid/cat.png")
    }
}
