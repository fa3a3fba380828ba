import Testing

@testable import Media

/// The AVX2 resize kernels (CImageSupport/resample.c) against the Swift loops they replace, byte for byte. The Swift
/// loops are what ResizeTests checks against Pillow on fixtures; here many more shapes (edge pixels that the vector
/// path leaves to scalar code, 4-row blocks with ragged tails, every filter, up and down, boxes, 1/2/3/4 channels)
/// run through both paths on noise, which exercises every tap and clip.
@Suite struct ResizeKernelTests {
    /// Deterministic noise with some saturated runs, so clipping at 0 and 255 happens.
    static func noise(width: Int, height: Int, mode: ImageMode, seed: UInt64) throws -> Image {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        let bytes = (0..<(width * height * mode.bytesPerPixel)).map { i -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let value = UInt8(truncatingIfNeeded: state >> 24)
            return (i / 37) % 5 == 0 ? (value & 1 == 0 ? 0 : 255) : value
        }
        return try Image(width: width, height: height, mode: mode, pixels: bytes)
    }

    static let shapes: [(Int, Int, Int, Int)] = [
        (640, 480, 298, 224), (480, 640, 224, 298), (37, 23, 11, 7), (5, 9, 13, 4), (1, 3, 4, 1), (3, 1, 1, 2),
        (17, 17, 17, 5), (64, 33, 16, 33), (7, 6, 50, 41), (300, 5, 299, 6),
    ]

    @Test(arguments: [ImageMode.rgb, .rgba, .l, .la])
    func nativeEqualsPortable(_ mode: ImageMode) throws {
        #expect(ResampleKernels.available, "this machine should run the AVX2 kernels")
        for (index, (w, h, outW, outH)) in Self.shapes.enumerated() {
            let image = try Self.noise(width: w, height: h, mode: mode, seed: UInt64(index + 1))
            for filter in Resampling.allCases where filter != .nearest {
                let boxes: [(Double, Double, Double, Double)?] = [nil, (0.5, 0.25, Double(w) - 0.3, Double(h))]
                for box in boxes {
                    let native = try image.resized(to: (outW, outH), resample: filter, box: box)
                    let portable = try ResampleKernels.$forcePortable.withValue(true) {
                        try image.resized(to: (outW, outH), resample: filter, box: box)
                    }
                    #expect(native == portable, "\(mode) \(w)x\(h) → \(outW)x\(outH) \(filter) box \(String(describing: box))")
                }
            }
        }
    }

    /// Resizing only a window of the output equals resizing fully and cropping (on both kernel paths).
    @Test(arguments: [false, true])
    func resizeThenCropEqualsTwoSteps(_ portable: Bool) throws {
        try ResampleKernels.$forcePortable.withValue(portable) {
            for (index, (w, h, outW, outH)) in Self.shapes.enumerated() {
                let image = try Self.noise(width: w, height: h, mode: .rgb, seed: UInt64(index + 11))
                for filter in [Resampling.bicubic, .bilinear, .lanczos] {
                    let crops = [(0, 0, outW, outH), (outW / 4, outH / 3, outW - outW / 5, outH), (outW - 1, outH - 1, outW, outH)]
                    for crop in crops where crop.0 < crop.2 && crop.1 < crop.3 {
                        let fused = try image.resizedThenCropped(to: (outW, outH), resample: filter, crop: crop)
                        let twoSteps = try image.resized(to: (outW, outH), resample: filter)
                            .cropped(left: crop.0, upper: crop.1, right: crop.2, lower: crop.3)
                        #expect(fused == twoSteps, "\(w)x\(h) → \(outW)x\(outH) \(filter) crop \(crop) portable \(portable)")
                    }
                }
            }
        }
    }
}
