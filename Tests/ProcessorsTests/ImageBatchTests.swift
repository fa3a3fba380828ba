// A batch of images processed on several threads gives what processing them one at a time gives, in order.
import Hub
import Media
import Processors
import Testing

@Suite("Image batches")
struct ImageBatchTests {
    static func photos() throws -> [Image] {
        let names = ["chelsea.png", "coffee.png", "astronaut.jpg"]
        let images = try names.map(ProcessorFixtures.image)
        // Nine images of three sizes and a rotated copy, so workers get unequal work.
        return images + images.map { $0.transposed(.rotate90) } + images.reversed()
    }

    @Test(arguments: ["CLIPImageProcessor", "ViTImageProcessor"])
    func parallelBatchEqualsOneThread(_ className: String) throws {
        let processor = try ImageProcessorRegistry.make(className, config: ImageProcessorConfig([:]))
        let images = try Self.photos()
        let serial = try ImageBatchParallelism.$threads.withValue(1) { try processor(images).pixelValues }
        let parallel = try ImageBatchParallelism.$threads.withValue(3) { try processor(images).pixelValues }
        let single = try images.map { try processor($0).pixelValues?.first }
        #expect(serial?.count == images.count)
        #expect(serial == parallel)
        #expect(serial == single.compactMap { $0 })
    }

    @Test func anErrorInTheBatchIsThrown() throws {
        let processor = try ImageProcessorRegistry.make("CLIPImageProcessor", config: ImageProcessorConfig([:]))
        var images = try Self.photos()
        images.insert(try ProcessorFixtures.image("camera.png"), at: 4)  // mode L, no do_convert_rgb
        #expect(throws: ProcessorError.self) {
            try ImageBatchParallelism.$threads.withValue(2) { try processor(images, overrides: ["do_convert_rgb": false]) }
        }
    }
}
