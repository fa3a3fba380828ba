import Testing

@testable import Media

@Suite struct GeometryTests {
    @Test(arguments: Fixtures.cases("transpose"))
    func transposeEqualsPillow(_ item: PillowCase) throws {
        let method = try #require(Transpose(pillowName: item.method!))
        expectSameImage(try Fixtures.load(item.name).transposed(method), try Fixtures.expected(item))
    }

    @Test(arguments: Fixtures.cases("crop"))
    func cropEqualsPillow(_ item: PillowCase) throws {
        let b = try #require(item.box)
        let cropped = try Fixtures.load(item.name).cropped(
            left: Int(b[0]), upper: Int(b[1]), right: Int(b[2]), lower: Int(b[3]))
        expectSameImage(cropped, try Fixtures.expected(item))
    }

    @Test(arguments: Fixtures.cases("rotate"))
    func rotateEqualsPillow(_ item: PillowCase) throws {
        let filter = try #require(Resampling(pillowName: item.filter!))
        let rotated = try Fixtures.load(item.name).rotated(item.angle!, resample: filter, expand: item.expand!)
        expectSameImage(rotated, try Fixtures.expected(item))
    }

    @Test func absurdRequestsThrowInsteadOfCrashing() throws {
        let image = try Fixtures.load("rgb8.png")
        #expect(throws: ImageError.self) { try image.rotated(.nan) }
        #expect(throws: ImageError.self) { try image.rotated(30, center: (.infinity, 0)) }
        #expect(throws: ImageError.self) { try image.transformedAffine(size: (4, 4), matrix: [1, 0, .nan, 0, 1, 0]) }
        #expect(throws: ImageError.self) { try image.cropped(left: 0, upper: 0, right: 1 << 20, lower: 1 << 20) }
        #expect(throws: ImageError.self) { try image.resized(to: (Int.max, 2)) }
        #expect(throws: ImageError.self) { try Image(mode: .rgb, size: (1 << 40, 1 << 40)) }
        #expect(throws: ImageError.self) { try image.thumbnail((0, 10)) }
        // Huge but finite translations map everything outside: a black image, not a trap.
        let away = try image.transformedAffine(size: (5, 5), matrix: [1, 0, 1e300, 0, 1, 1e300])
        #expect(away.pixels.allSatisfy { $0 == 0 })
        let scaledAway = try image.transformedAffine(size: (5, 5), matrix: [1, 0, 1e300, 0, 2, 0])
        #expect(scaledAway.pixels.allSatisfy { $0 == 0 })
        // reduce by more than the image: one pixel, the mean.
        #expect(try image.reduced(by: (Int.max, Int.max)).size == (1, 1))
    }

    @Test func emptyCropIsAnError() throws {
        let image = try Fixtures.load("rgb8.png")
        #expect(throws: ImageError.self) { try image.cropped(left: 5, upper: 5, right: 5, lower: 9) }
    }

    @Test func pythonRoundMatchesPythonOnTrigValues() {
        // Python: round(math.cos(-math.radians(30)), 15) == 0.866025403784439
        #expect(Image.pythonRound(0.8660254037844387, digits: 15) == 0.866025403784439)
        // Python: round(6.123233995736766e-17, 15) == 0.0
        #expect(Image.pythonRound(6.123233995736766e-17, digits: 15) == 0.0)
    }
}
