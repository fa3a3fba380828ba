import Foundation
import Testing
@testable import Tensors

/// Truncated, lying and unsupported files throw `TensorError.invalidFile` naming the problem; nothing traps.
@Suite struct GGUFInvalidFileTests {
    /// A valid v3 file: one metadata entry and one 2×32 F32 tensor.
    func validFile(version: UInt32 = 3, tensorOffset: UInt64 = 0, dims: [UInt64] = [32, 2]) -> [UInt8] {
        var b = GGUFBuilder()
        b.header(version: version, tensors: 1, metadata: 2)
        b.string("general.architecture"); b.u32(GGUFValueType.string.rawValue); b.string("llama")
        b.string("empty"); b.u32(GGUFValueType.array.rawValue); b.u32(GGUFValueType.int32.rawValue); b.u64(0)
        b.tensorInfo("w", dims: dims, type: .f32, offset: tensorOffset)
        b.pad(to: 32)
        for i in 0..<64 { b.u32(Float(i).bitPattern) }
        return b.bytes
    }

    func expectInvalid(_ bytes: [UInt8], mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) { try openGGUF(bytes: bytes) } throws: { error in
            guard case TensorError.invalidFile = error else { return false }
            return "\(error)".contains(text)
        }
    }

    @Test func handBuiltFileReads() throws {
        let file = try openGGUF(bytes: validFile())
        #expect(file.metadata["empty"] == .array(.int32, []))
        #expect(file.alignment == 32)
        #expect(try file.tensor(named: "w").shape == [2, 32])
        #expect(try file.tensor(named: "w").floats() == (0..<64).map(Float.init))
    }

    @Test func version2IsAccepted() throws {
        #expect(try openGGUF(bytes: validFile(version: 2)).version == 2)
    }

    @Test func everyTruncationThrows() throws {
        let bytes = validFile()
        for length in 0..<bytes.count {
            #expect(throws: TensorError.self, "prefix of \(length) bytes") { try openGGUF(bytes: Array(bytes.prefix(length))) }
        }
    }

    @Test func lyingFieldsThrow() throws {
        var bytes = validFile()
        bytes.replaceSubrange(8..<16, with: withUnsafeBytes(of: UInt64.max.littleEndian) { Array($0) })
        expectInvalid(bytes, mentioning: "too large")
        bytes = validFile()
        bytes.replaceSubrange(8..<16, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) })
        expectInvalid(bytes, mentioning: "more than the")
        // The first key's length claims more bytes than the file has.
        bytes = validFile()
        bytes.replaceSubrange(24..<32, with: withUnsafeBytes(of: UInt64(1 << 50).littleEndian) { Array($0) })
        expectInvalid(bytes, mentioning: "claims")
        expectInvalid(validFile(tensorOffset: 64), mentioning: "beyond the end of the file")
        expectInvalid(validFile(tensorOffset: 3), mentioning: "not a multiple of the alignment")
        expectInvalid(validFile(dims: [33, 2]), mentioning: "beyond the end")
        expectInvalid(validFile(dims: [UInt64(1) << 62, 8]), mentioning: "overflows")
    }

    @Test func unsupportedFilesSayWhy() throws {
        var bytes = validFile()
        bytes[0] = UInt8(ascii: "X")
        expectInvalid(bytes, mentioning: "not a GGUF file")
        expectInvalid(validFile(version: 1), mentioning: "version 1 is not supported")
        expectInvalid(validFile(version: UInt32(3).byteSwapped), mentioning: "big-endian")
        var b = GGUFBuilder()
        b.header(tensors: 0, metadata: 1)
        b.string("general.alignment"); b.u32(GGUFValueType.uint32.rawValue); b.u32(48)
        expectInvalid(b.bytes, mentioning: "power-of-two")
        b = GGUFBuilder()
        b.header(tensors: 1, metadata: 0)
        b.tensorInfo("q", dims: [33], type: .q4_0, offset: 0)
        expectInvalid(b.bytes, mentioning: "not a multiple of the Q4_0 block size 32")
    }
}
