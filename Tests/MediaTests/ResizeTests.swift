import Testing

@testable import Media

@Suite struct ResizeTests {
    @Test(arguments: Fixtures.cases("resize"))
    func resizeEqualsPillow(_ item: PillowCase) throws {
        let source = try Fixtures.load(item.name)
        let filter = try #require(Resampling(pillowName: item.filter!))
        let box = item.box.map { ($0[0], $0[1], $0[2], $0[3]) }
        let resized = try source.resized(
            to: (item.size![0], item.size![1]), resample: filter, box: box, reducingGap: item.reducing_gap)
        expectSameImage(resized, try Fixtures.expected(item))
    }

    @Test(arguments: Fixtures.cases("reduce"))
    func reduceEqualsPillow(_ item: PillowCase) throws {
        let source = try Fixtures.load(item.name)
        let box = item.box.map { (Int($0[0]), Int($0[1]), Int($0[2]), Int($0[3])) }
        let reduced = try source.reduced(by: (item.factor![0], item.factor![1]), box: box)
        expectSameImage(reduced, try Fixtures.expected(item))
    }

    @Test(arguments: Fixtures.cases("thumbnail"))
    func thumbnailEqualsPillow(_ item: PillowCase) throws {
        let thumbnail = try Fixtures.load(item.name).thumbnail((item.size![0], item.size![1]))
        expectSameImage(thumbnail, try Fixtures.expected(item))
    }

    @Test func resizeToTheSameSizeIsIdentity() throws {
        let image = try Fixtures.load("rgba8.png")
        #expect(try image.resized(to: (17, 13), resample: .lanczos) == image)
    }

    @Test func badSizesAndBoxesThrow() throws {
        let image = try Fixtures.load("rgb8.png")
        #expect(throws: ImageError.self) { try image.resized(to: (0, 4)) }
        #expect(throws: ImageError.self) { try image.resized(to: (4, 4), box: (-1, 0, 5, 5)) }
        #expect(throws: ImageError.self) { try image.resized(to: (4, 4), box: (0, 0, 18, 5)) }
    }

    @Test func pillowConstantsAndNames() {
        #expect(Resampling(rawValue: 3) == .bicubic)
        #expect(Resampling(rawValue: 1) == .lanczos)
        #expect(Resampling(pillowName: "ANTIALIAS") == .lanczos)
        #expect(Resampling(pillowName: "bilinear") == .bilinear)
    }
}
