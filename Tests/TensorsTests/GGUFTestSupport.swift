import Foundation
@testable import Tensors

/// Writes small GGUF files byte by byte, so that tests can build valid files and then lie in exactly one field.
struct GGUFBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

    /// A header with the given counts (magic, version, counts).
    mutating func header(version: UInt32 = 3, tensors: UInt64, metadata: UInt64) {
        bytes += Array("GGUF".utf8)
        u32(version)
        u64(tensors)
        u64(metadata)
    }

    /// One tensor info: dims innermost-first, as GGUF stores them.
    mutating func tensorInfo(_ name: String, dims: [UInt64], type: GGMLType, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d in dims { u64(d) }
        u32(type.rawValue)
        u64(offset)
    }

    /// Writes the bytes to a fresh temporary file and returns its path.
    func write(_ name: String = "case") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gguf-test-\(name)-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// Writes `bytes` to a temporary file, opens it as GGUF and deletes it again.
func openGGUF(bytes: [UInt8]) throws -> GGUFFile {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-\(UUID().uuidString).gguf")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try GGUFFile(path: url.path)
}

/// Little-endian float32 values of a fixture file.
func fixtureFloats(_ name: String) throws -> [Float] {
    let data = try Data(contentsOf: Fixtures.url(name))
    return data.withUnsafeBytes { raw in
        (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}
