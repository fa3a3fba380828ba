import Foundation

// MARK: - safetensors reading through mmap
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON
// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`), then the data.
// The file is mapped privately (copy-on-write): tensors borrow the mapping, so opening a 500 MB checkpoint reads only
// the header, and an in-place edit of a loaded tensor never reaches the file. Every header field is validated
// before any tensor is handed out, so a truncated or lying file throws instead of faulting.

/// One opened `.safetensors` file.
public final class SafetensorsFile: @unchecked Sendable {
    /// A tensor's header record.
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// The dtype the tensor is handed out in (F64 → float32, I8/I16 → int32, U16/U32 → int64 are converted copies).
        public let dtype: DType
        /// The dtype string stored in the file (`F32`, `BF16`, ...).
        public let storedDType: String
        public let shape: [Int]
        /// Byte range inside the data section.
        public let dataOffsets: Range<Int>
    }

    public let path: String
    /// `__metadata__`, string to string.
    public let metadata: [String: String]
    /// Entries in file order.
    public let entries: [Entry]
    private let byName: [String: Entry]
    private let mapping: MappedFile
    private let dataStart: Int

    /// Largest header accepted (the reference implementation's limit is 100 MB).
    static let maximumHeaderSize = 100_000_000

    /// Bytes per element of each stored dtype, and the dtype it loads as.
    static let storedTypes: [String: (size: Int, dtype: DType)] = [
        "F32": (4, .float32), "F16": (2, .float16), "BF16": (2, .bfloat16), "I64": (8, .int64), "I32": (4, .int32),
        "U8": (1, .uint8), "BOOL": (1, .bool), "F64": (8, .float32), "I16": (2, .int32), "I8": (1, .int32),
        "U16": (2, .int64), "U32": (4, .int64),
    ]

    public init(path: String) throws {
        self.path = path
        mapping = try MappedFile(path: path, copyOnWrite: true)
        let fileSize = mapping.count
        func fail(_ detail: String) -> TensorError { TensorError.invalidFile(path: path, detail: "safetensors: " + detail) }
        guard fileSize >= 8 else { throw fail("file is \(fileSize) bytes, too small for the 8-byte header length") }
        let headerLength = UInt64(littleEndian: UnsafeRawPointer(mapping.bytes).loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(Self.maximumHeaderSize) else { throw fail("header length \(headerLength) is larger than the 100 MB limit") }
        guard Int(headerLength) <= fileSize - 8 else {
            throw fail("header length \(headerLength) runs past the end of the file (\(fileSize) bytes): truncated?")
        }
        let headerBytes = try mapping.slice(8, Int(headerLength))
        guard headerBytes.first == UInt8(ascii: "{") else { throw fail("header is not a JSON object") }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw fail("header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        dataStart = 8 + Int(headerLength)
        let dataSize = fileSize - dataStart

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in dict {
                    guard let text = v as? String else { throw fail("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = text
                }
                continue
            }
            guard let record = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtypeName = record["dtype"] as? String else { throw fail("entry '\(name)' has no dtype") }
            guard let stored = Self.storedTypes[dtypeName] else { throw fail("entry '\(name)' has unsupported dtype '\(dtypeName)'") }
            guard let shape = Self.integers(record["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("entry '\(name)' has an invalid shape")
            }
            guard let offsets = Self.integers(record["data_offsets"]), offsets.count == 2 else {
                throw fail("entry '\(name)' has invalid data_offsets")
            }
            var elements = 1
            for dim in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw fail("entry '\(name)' has a shape too large (\(shapeString(shape)))") }
                elements = product
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: stored.size)
            let (begin, end) = (offsets[0], offsets[1])
            guard !overflow, begin >= 0, begin <= end else { throw fail("entry '\(name)' has invalid data_offsets [\(begin), \(end)]") }
            guard end <= dataSize else {
                throw fail("entry '\(name)' data [\(begin), \(end)) runs past the data section (\(dataSize) bytes): truncated?")
            }
            guard end - begin == bytes else {
                throw fail("entry '\(name)' has \(end - begin) bytes but \(dtypeName) \(shapeString(shape)) needs \(bytes)")
            }
            entries.append(Entry(name: name, dtype: stored.dtype, storedDType: dtypeName, shape: shape, dataOffsets: begin..<end))
        }
        entries.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.dataOffsets.lowerBound < previous.dataOffsets.upperBound {
            throw fail("entries '\(previous.name)' and '\(next.name)' overlap")
        }
        self.metadata = metadata
        self.entries = entries
        self.byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Integers from a JSON array (rejecting fractions and strings).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            guard let number = element as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double == double.rounded(), Swift.abs(double) < 9e15 else { return nil }
            result.append(number.intValue)
        }
        return result
    }

    public var names: [String] { entries.map(\.name) }

    public func entry(_ name: String) -> Entry? { byName[name] }

    /// The named tensor. float32/float16/bfloat16/int64/int32/uint8/bool tensors borrow the mapping (no copy) when
    /// aligned; other stored types are converted into fresh storage.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = byName[name] else {
            throw TensorError.invalidArgument(op: "safetensors", detail: "no tensor named '\(name)' in \(path)")
        }
        let fileOffset = dataStart + entry.dataOffsets.lowerBound
        let byteCount = entry.dataOffsets.count
        let stored = Self.storedTypes[entry.storedDType]!.size  // validated at open
        let direct = stored == entry.dtype.itemSize
        if direct && fileOffset % entry.dtype.itemSize == 0 {
            return try mapping.tensor(offset: fileOffset, byteCount: byteCount, shape: entry.shape, dtype: entry.dtype)
        }
        let raw = try mapping.slice(fileOffset, byteCount)
        let out = Tensor(zeros: entry.shape, dtype: entry.dtype)
        let count = entry.shape.reduce(1, *)
        if direct {
            out.storage.bytes.copyMemory(from: raw.baseAddress ?? UnsafeRawPointer(mapping.bytes), byteCount: byteCount)
            return out
        }
        for i in 0..<count {
            let at = i * stored
            switch entry.storedDType {
            case "F64": entry.dtype.store(double: raw.loadUnaligned(fromByteOffset: at, as: Double.self), out.storage.bytes, i)
            case "I16": entry.dtype.store(int: Int64(raw.loadUnaligned(fromByteOffset: at, as: Int16.self)), out.storage.bytes, i)
            case "I8": entry.dtype.store(int: Int64(raw.loadUnaligned(fromByteOffset: at, as: Int8.self)), out.storage.bytes, i)
            case "U16": entry.dtype.store(int: Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)), out.storage.bytes, i)
            default: entry.dtype.store(int: Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)), out.storage.bytes, i)
            }
        }
        return out
    }

    /// Every tensor, by name.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in entries { result[entry.name] = try tensor(entry.name) }
        return result
    }
}
