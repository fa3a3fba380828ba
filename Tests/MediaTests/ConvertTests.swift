import Testing

@testable import Media

@Suite struct ConvertTests {
    @Test(arguments: Fixtures.cases("convert"))
    func conversionEqualsPillow(_ item: PillowCase) throws {
        let source = try Fixtures.load(item.name)
        let converted = try source.converted(to: item.target!)
        expectSameImage(converted, try Fixtures.expected(item))
    }

    @Test func lumaKeepsGrayLevelsAndRoundsLikePillow() {
        for level in 0...255 {
            let value = UInt8(level)
            #expect(Image.luma(value, value, value) == value)
        }
        // (10, 200, 30): 0.299·10 + 0.587·200 + 0.114·30 = 124.81 → Pillow gives 124 (16-bit weights).
        #expect(Image.luma(10, 200, 30) == 124)
    }

    @Test func unknownModeIsAnError() throws {
        let image = try Image(mode: .rgb, size: (2, 2))
        let error = imageError { () throws(ImageError) in _ = try image.converted(to: "CMYK") }
        #expect(error == .unsupportedMode("CMYK", operation: "mode"))
    }
}
