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

@Suite struct ArrayInteropTests {
    @Test func fromArrayPicksPillowModesAndKeepsBytes() throws {
        let rgb = try Fixtures.load("rgb8.png")
        let copy = try Image.fromArray(rgb.pixels, shape: rgb.arrayShape)
        #expect(copy == rgb && copy.mode == .rgb)
        #expect(try Image.fromArray([1, 2, 3, 4, 5, 6], shape: [2, 3]).mode == .l)
        #expect(try Image.fromArray([UInt8](repeating: 0, count: 8), shape: [2, 2, 2]).mode == .la)
        #expect(throws: ImageError.self) { try Image.fromArray([0, 0, 0, 0, 0], shape: [1, 1, 5]) }
        #expect(throws: ImageError.self) { try Image.fromArray([0, 0, 0], shape: [2, 2]) }
    }

    @Test func sixteenBitRoundTrip() throws {
        let gray16 = try Fixtures.load("gray16.png")
        let values = try #require(gray16.samples16)
        #expect(Array(values.prefix(4)) == [0, 255, 256, 65535])  // the script's first row
        #expect(try Image.fromArray16(values, shape: gray16.arrayShape) == gray16)
    }
}
