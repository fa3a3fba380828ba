/// One metadata value of a GGUF file. GGUF has twelve scalar types plus typed arrays (of any of them, strings
/// included); each keeps its own case so that a reader can tell `u32 7` from `i64 7` as gguf-py does.
public enum GGUFValue: Sendable, Equatable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    /// An array with its declared element type (kept so that an empty array still says what it holds).
    case array(GGUFValueType, [GGUFValue])

    /// The value type as GGUF numbers it.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    // MARK: Convenient reads (nil when the value is of another kind)

    /// Any integer type as `Int` (nil for a `u64` beyond `Int.max`).
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// Any number as `Double`.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: int.map(Double.init)
        }
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var array: [GGUFValue]? { if case .array(_, let items) = self { items } else { nil } }
    /// An array of strings (e.g. `tokenizer.ggml.tokens`).
    public var strings: [String]? { array?.compactMap(\.string) }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .bool(let v): v ? "True" : "False"
        case .string(let s): s.debugDescription
        case .array(_, let items):
            items.count <= 8
                ? "[" + items.map(\.description).joined(separator: ", ") + "]"
                : "[" + items.prefix(5).map(\.description).joined(separator: ", ") + ", … (\(items.count) items)]"
        }
    }
}

/// GGUF's value type numbers (`gguf_type` in ggml, `GGUFValueType` in gguf-py).
public enum GGUFValueType: UInt32, Sendable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7, string = 8
    case array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// gguf-py's names: `UINT32`, `STRING`, `ARRAY`...
    public var description: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .float32: "FLOAT32"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float64: "FLOAT64"
        }
    }
}
