import Foundation
import Testing

@testable import Media

/// A real photo (a JPEG crop of scikit-image's chelsea.png): decode, CLIP-style bicubic resize,
/// antialiased lanczos, reducing-gap bilinear, bicubic rotation and luma, each equal to Pillow's
/// result (stored as lossless PNG, read with our PNG decoder which DecodingTests checks on its own).
@Suite struct PhotoTests {
    static let photo = Fixtures.directory.appendingPathComponent("photos")

    @Test(arguments: Fixtures.cases("photo"))
    func realPhotoEqualsPillow(_ item: PillowCase) throws {
        let image = try Image.open(PhotoTests.photo.appendingPathComponent("chelsea_crop.jpg").path)
        let expected = try Image.open(PhotoTests.photo.appendingPathComponent(item.file!).path)
        let shortest = 224.0 / Double(min(image.width, image.height))
        let result: Image
        switch item.name {
        case "decode": result = image
        case "clip_bicubic":
            // transformers' CLIP resize: shortest edge to 224, the other rounded.
            let size = (
                max(224, Int((Double(image.width) * shortest).rounded(.toNearestOrEven))),
                max(224, Int((Double(image.height) * shortest).rounded(.toNearestOrEven)))
            )
            result = try image.resized(to: size, resample: .bicubic)
        case "lanczos_down": result = try image.resized(to: (97, 61), resample: .lanczos)
        case "bilinear_thumb": result = try image.resized(to: (70, 50), resample: .bilinear, reducingGap: 2.0)
        case "rotate_bicubic_expand": result = try image.rotated(17, resample: .bicubic, expand: true)
        case "luma": result = image.converted(to: .l)
        default:
            Issue.record("unknown photo case \(item.name)")
            return
        }
        expectSameImage(result, expected)
    }
}
