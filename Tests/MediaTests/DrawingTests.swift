import Testing

@testable import Media

@Suite struct DrawingTests {
    /// The same rectangles the fixture script draws with `ImageDraw.rectangle`.
    @Test(arguments: Fixtures.cases("draw"))
    func rectanglesEqualPillow(_ item: PillowCase) throws {
        var image = try Fixtures.load(item.name)
        let color = image.mode == .rgb ? [255, 0, 40] : [200]
        try image.drawRectangle((2, 1, 12, 9), outline: color, width: 2)
        try image.drawRectangle((5, 4, 6, 5), outline: color, width: 1)
        try image.drawRectangle((-3, 8, 30, 20), outline: color, width: 3)
        try image.drawRectangle((9, 2, 15, 11), fill: color)
        try image.drawRectangle((1, 6, 4, 8), outline: color, width: 8)
        try image.drawRectangle((-40, -30, 3, 2), outline: color, width: 5)
        expectSameImage(image, try Fixtures.expected(item))
    }

    @Test func textStaysInsideItsBoxAndDiffersPerCharacter() throws {
        var image = try Image(mode: .l, size: (40, 12))
        let box = try image.drawText("Hi!", at: (2, 3), color: [255])
        #expect(box == (2, 3, 2 + 3 * 6 - 2, 3 + 6))
        var inked = 0
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixels[y * image.width + x] != 0 {
                inked += 1
                #expect(x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1, "ink at (\(x), \(y))")
            }
        }
        #expect(inked > 10)
        // "H" has two full-height stems: columns 0 and 4 of its cell are fully inked.
        for row in 0..<7 {
            #expect(image.pixels[(3 + row) * 40 + 2] == 255)
            #expect(image.pixels[(3 + row) * 40 + 6] == 255)
        }
        var other = try Image(mode: .l, size: (40, 12))
        try other.drawText("Ho!", at: (2, 3), color: [255])
        #expect(other != image)
    }

    @Test func scaledTextAndDetectionLabel() throws {
        var image = try Image(mode: .rgb, size: (60, 40), color: [10, 20, 30])
        let box = try image.drawText("A", at: (0, 0), color: [255, 255, 255], scale: 3)
        #expect(box == (0, 0, 14, 20))
        var detection = try Image(mode: .rgb, size: (60, 40))
        try detection.drawDetection(box: (5, 15, 50, 35), label: "cat 0.98", color: [255, 0, 0])
        // Outline pixels on the box edge, label strip above it.
        #expect(try detection.pixel(x: 5, y: 35) == [255, 0, 0])
        #expect(try detection.pixel(x: 50, y: 20) == [255, 0, 0])
        #expect(try detection.pixel(x: 30, y: 25) == [0, 0, 0])
        #expect(try detection.pixel(x: 5, y: 6) == [255, 0, 0])
    }

    @Test func farAwayAndHugeRequestsStayCheap() throws {
        var image = try Image(mode: .l, size: (8, 8))
        let far = 1 << 29
        try image.drawRectangle((far, far, far + 10, far + 10), outline: [9], width: far)
        #expect(image.pixels.allSatisfy { $0 == 0 })  // every outline line stays right of / below the image
        // Enclosing the image with a huge width: Pillow 13 (checked with far = 2^20 and 2^26) paints
        // every pixel but (0, 0), which only the never-reached lines x0 + i and y0 + i would cover.
        try image.drawRectangle((-far, -far, far, far), outline: [9], width: far)
        #expect(image.pixels[0] == 0)
        #expect(image.pixels.dropFirst().allSatisfy { $0 == 9 })
        #expect(throws: ImageError.self) { try image.drawRectangle((0, 0, Int.max, 3), outline: [1]) }
        #expect(throws: ImageError.self) { try image.drawText("x", at: (0, 0), color: [1], scale: 1_000_000) }
    }

    @Test func invertedRectangleIsAnError() throws {
        var image = try Image(mode: .l, size: (4, 4))
        #expect(throws: ImageError.self) { try image.drawRectangle((3, 0, 1, 2), outline: [1]) }
    }
}
