/// A bounds-checked little-endian cursor over the header of a GGUF file. Every read checks the remaining length
/// first, so a truncated or lying header throws `TensorError.invalidFile` instead of reading past the mapping.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var position = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - position }

    func failure(_ detail: String) -> TensorError { .invalidFile(path: path, detail: "GGUF: " + detail) }

    private mutating func take(_ count: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawPointer {
        guard count >= 0, count <= remaining, let base = bytes.baseAddress else {
            throw failure("file ends inside \(what()) at byte \(position) (needs \(count), \(remaining) left)")
        }
        defer { position += count }
        return base + position
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        T(littleEndian: try take(MemoryLayout<T>.size, what()).loadUnaligned(as: T.self))
    }

    /// A u64 count or size that must fit in `Int`.
    mutating func count(_ what: @autoclosure () -> String) throws -> Int {
        let raw = try integer(UInt64.self, what())
        guard let value = Int(exactly: raw) else { throw failure("\(what()) \(raw) is too large") }
        return value
    }

    /// A GGUF string: u64 byte length, then UTF-8 bytes (no terminator).
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let length = try count("length of \(what())")
        guard length <= remaining else {
            throw failure("\(what()) claims \(length) bytes but only \(remaining) remain")
        }
        let start = try take(length, what())
        return String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
    }

    /// One metadata value of the given type (arrays of scalars or strings; nested arrays are refused as ggml does).
    mutating func value(of type: GGUFValueType, key: String, nested: Bool = false) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try integer(UInt8.self, key))
        case .int8: return .int8(try integer(Int8.self, key))
        case .uint16: return .uint16(try integer(UInt16.self, key))
        case .int16: return .int16(try integer(Int16.self, key))
        case .uint32: return .uint32(try integer(UInt32.self, key))
        case .int32: return .int32(try integer(Int32.self, key))
        case .uint64: return .uint64(try integer(UInt64.self, key))
        case .int64: return .int64(try integer(Int64.self, key))
        case .float32: return .float32(Float(bitPattern: try integer(UInt32.self, key)))
        case .float64: return .float64(Double(bitPattern: try integer(UInt64.self, key)))
        case .bool:
            let byte = try integer(UInt8.self, key)
            guard byte <= 1 else { throw failure("bool value \(byte) of \(key) is neither 0 nor 1") }
            return .bool(byte == 1)
        case .string: return .string(try string("value of \(key)"))
        case .array:
            guard !nested else { throw failure("\(key): arrays of arrays are not supported") }
            let rawType = try integer(UInt32.self, "array type of \(key)")
            guard let elementType = GGUFValueType(rawValue: rawType) else {
                throw failure("\(key): unknown array element type \(rawType)")
            }
            let count = try count("array length of \(key)")
            // Every element takes at least this many bytes: a lying count fails here, before any allocation.
            let minimumSize = switch elementType {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64, .string: 8
            case .array: 12
            }
            guard count <= remaining / minimumSize else {
                throw failure("\(key): array of \(count) \(elementType) values cannot fit in the \(remaining) bytes left")
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try value(of: elementType, key: key, nested: true)) }
            return .array(elementType, items)
        }
    }
}
