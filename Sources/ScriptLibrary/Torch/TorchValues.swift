import Script
import Tensors

// The small value types of the torch module: dtypes, sizes, devices, named result tuples, `no_grad()`.

/// `torch.float32` and friends: printed as PyTorch prints them, compared by identity of the dtype.
final class DTypeObject: ScriptObject {
    let dtype: DType
    /// Set for numpy dtypes (`arr.dtype`, `np.float32`): prints `dtype('float32')`, `str()` is `float32`.
    var numpyName: String?
    init(_ dtype: DType, numpyName: String? = nil) {
        self.dtype = dtype
        self.numpyName = numpyName
    }
    var typeName: String { "dtype" }
    func repr(in interp: Interpreter) throws -> String { numpyName.map { "dtype('\($0)')" } ?? dtype.torchName }
    func str(in interp: Interpreter) throws -> String { numpyName ?? dtype.torchName }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "is_floating_point": return .bool(dtype.isFloatingPoint)
        case "itemsize": return .int(dtype.itemSize)
        default: return nil
        }
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        guard op == .equal || op == .notEqual else { return nil }
        let same: Bool
        if case .object(let o) = other, let d = o as? DTypeObject { same = d.dtype == dtype } else { same = false }
        return .bool(op == .equal ? same : !same)
    }
    func hashInto(_ hasher: inout Hasher) { hasher.combine(dtype) }
    func hashEquals(_ other: any ScriptObject) -> Bool { (other as? DTypeObject)?.dtype == dtype }

    /// Every Python spelling of each dtype (`torch.float`, `torch.long`, `torch.half`…).
    static let spellings: [(String, DType)] = [
        ("float32", .float32), ("float", .float32), ("float16", .float16), ("half", .float16),
        ("bfloat16", .bfloat16), ("int64", .int64), ("long", .int64), ("int32", .int32), ("int", .int32),
        ("uint8", .uint8), ("bool", .bool),
    ]
}

/// `torch.Size([1, 3, 224, 224])`: a tuple of ints that prints like PyTorch's.
final class SizeObject: ScriptObject {
    let dims: [Int]
    init(_ dims: [Int]) { self.dims = dims }
    var typeName: String { "Size" }
    func repr(in interp: Interpreter) throws -> String { "torch.Size([" + dims.map(String.init).joined(separator: ", ") + "])" }
    func length(in interp: Interpreter) throws -> Int? { dims.count }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(dims.map { .int($0) }) }
    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        let tuple = Value.tuple(dims.map { .int($0) })
        let value = try interp.getItem(tuple, index.key)
        if case .tuple(let items) = value { return .object(SizeObject(try items.map { try interp.toInt($0) })) }
        return value
    }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        guard let n = value.intLikeValue else { return false }
        return dims.contains(n)
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        func ints(_ items: [Value]) throws -> [Int]? {
            items.allSatisfy(\.isIntegerLike) ? try items.map { try interp.toInt($0) } : nil
        }
        let others: [Int]?
        switch other {
        case .object(let o as SizeObject): others = o.dims
        case .tuple(let items): others = try ints(items)
        case .list(let list): others = try ints(list.items)
        default: others = nil
        }
        switch op {
        case .equal: return .bool(others == dims)
        case .notEqual: return .bool(others != dims)
        default: return nil
        }
    }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if name == "numel" { return .object(BuiltinFunction("numel") { _, _ in .int(self.dims.reduce(1, *)) }) }
        return nil
    }
    func hashInto(_ hasher: inout Hasher) { hasher.combine(dims) }
    func hashEquals(_ other: any ScriptObject) -> Bool { (other as? SizeObject)?.dims == dims }
}

extension Value {
    var intLikeValue: Int? {
        switch self {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// `torch.device("cpu")`: everything runs on the CPU; `.to(device)` and `device=` arguments are accepted and ignored.
final class DeviceObject: ScriptObject {
    let name: String
    init(_ name: String) { self.name = name }
    var typeName: String { "device" }
    func repr(in interp: Interpreter) throws -> String { "device(type='\(name)')" }
    func str(in interp: Interpreter) throws -> String { name }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? { name == "type" ? .str(self.name) : nil }
}

/// `torch.return_types.topk(values=…, indices=…)`: a named tuple that unpacks like a tuple.
final class ReturnTuple: ScriptObject {
    let name: String
    let fields: [(String, Value)]
    init(_ name: String, _ fields: [(String, Value)]) {
        self.name = name
        self.fields = fields
    }
    var typeName: String { name }
    func repr(in interp: Interpreter) throws -> String {
        "torch.return_types.\(name)(\n" + (try fields.map { "\($0.0)=\(try interp.repr($0.1))" }.joined(separator: ",\n")) + ")"
    }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? { fields.first { $0.0 == name }?.1 }
    func attributeNames() -> [String] { fields.map(\.0) }
    func length(in interp: Interpreter) throws -> Int? { fields.count }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(fields.map(\.1)) }
    func item(_ index: Index, in interp: Interpreter) throws -> Value { try interp.getItem(.tuple(fields.map(\.1)), index.key) }
}

/// `torch.no_grad()` / `torch.inference_mode()`: inference is all we do, so the context changes nothing — it exists
/// so that the guides' `with torch.no_grad():` runs unchanged.
final class NoGradObject: ScriptObject {
    let name: String
    init(_ name: String) { self.name = name }
    var typeName: String { name }
    func enter(in interp: Interpreter) throws -> Value { .none }
    func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool { false }
    func repr(in interp: Interpreter) throws -> String { "<torch.autograd.grad_mode.\(name) object>" }
    /// `@torch.no_grad()` as a decorator returns the function unchanged.
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        try args.expectPositional(name, min: 1)
        return args.positional[0]
    }
}
