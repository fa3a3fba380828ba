import Script
import Tensors

// Small helpers shared by every binding: argument conversion with Python's error wording, bound-method creation,
// and the mapping of engine errors onto the exception types PyTorch raises.

/// A method of a native object: its Python parameter list and a body receiving the bound values.
struct NativeMethod<Owner: AnyObject>: @unchecked Sendable {
    let signature: Signature?
    let body: (Owner, Arguments, [Value], Interpreter) throws -> Value

    /// A method with named parameters and defaults (`x.softmax(dim=-1)`).
    init(_ parameters: [Parameter], varPositional: String? = nil, varKeyword: String? = nil,
         _ body: @escaping (Owner, [Value], Interpreter) throws -> Value) {
        signature = Signature(parameters, varPositional: varPositional, varKeyword: varKeyword)
        self.body = { owner, _, bound, interp in try body(owner, bound, interp) }
    }

    /// A method that reads its raw arguments (`x.view(2, 3)` and `x.view((2, 3))` alike).
    init(raw body: @escaping (Owner, Arguments, Interpreter) throws -> Value) {
        signature = nil
        self.body = { owner, args, _, interp in try body(owner, args, interp) }
    }

    /// The bound method object returned by attribute access.
    func bind(_ owner: Owner, name: String) -> Value {
        let signature = self.signature, body = self.body
        return .object(BuiltinFunction(name) { args, interp in
            let bound = try signature?.bind(args, function: name) ?? []
            return try body(owner, args, bound, interp)
        })
    }
}

extension Interpreter {
    /// Integers given either as separate positionals or as one tuple/list/`torch.Size` (`view(2, 3)`, `view((2, 3))`).
    func intList(_ positional: [Value], function: String) throws -> [Int] {
        if positional.count == 1, !(positional[0].isIntegerLike) { return try intList(positional[0], function: function) }
        return try positional.map { try toInt($0) }
    }

    /// A tuple, list, `torch.Size` or single int as `[Int]`.
    func intList(_ value: Value, function: String) throws -> [Int] {
        if value.isIntegerLike { return [try toInt(value)] }
        if case .object(let o) = value, let size = o as? SizeObject { return size.dims }
        switch value {
        case .list, .tuple: return try iterate(value).map { try toInt($0) }
        default: throw ScriptError.typeError("\(function)(): argument must be a tuple of ints, not \(value.typeName)")
        }
    }

    /// An optional int argument (`None` → nil).
    func optionalInt(_ value: Value) throws -> Int? { value.isNone ? nil : try toInt(value) }

    /// An optional list of dims: None, an int, or a tuple of ints.
    func optionalDims(_ value: Value, function: String) throws -> [Int]? {
        value.isNone ? nil : try intList(value, function: function)
    }

    func bool(_ value: Value) throws -> Bool { try truthy(value) }

    func string(_ value: Value, _ what: String) throws -> String {
        guard case .str(let s) = value else { throw ScriptError.typeError("\(what) must be str, not \(value.typeName)") }
        return s
    }
}

/// A Python int from a double, truncating toward zero and saturating (NaN → 0) instead of trapping.
func saturatingInt(_ value: Double) -> Int {
    if value.isNaN { return 0 }
    if value >= 9.2e18 { return Int.max }
    if value <= -9.2e18 { return Int.min }
    return Int(value.rounded(.towardZero))
}

extension Value {
    var isIntegerLike: Bool {
        switch self {
        case .int, .bool: return true
        default: return false
        }
    }
}

/// Engine errors become the exceptions PyTorch raises for the same mistakes, so `except RuntimeError:` and
/// `except IndexError:` in a guide's snippet catch them.
extension TensorError: ScriptConvertibleError {
    public var scriptExceptionType: String {
        switch self {
        case .indexOutOfRange, .invalidDimension: "IndexError"
        case .invalidFile: "OSError"
        case .unsupportedDType, .shapeMismatch, .invalidArgument: "RuntimeError"
        }
    }
    public var scriptMessage: String { description }
}
