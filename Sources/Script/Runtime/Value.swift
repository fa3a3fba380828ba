// MARK: - Value
//
// Every script value. Ints, floats and bools are stored inline in the enum payload so the hot
// arithmetic paths never allocate or box; containers are reference types as in Python.

/// A value of the `.sfs` language.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case str(String)
    case list(ListObject)
    case tuple([Value])
    case dict(DictObject)
    case function(FunctionObject)
    /// Every other object: built-in types (range, set, module, class, exception, …) and native
    /// library objects (tensors, tokenizers, pipelines) alike, through ``ScriptObject``.
    case object(any ScriptObject)
    /// Internal marker of a local variable that has not been assigned yet (never visible to scripts).
    case unbound
}

extension Value {
    /// The Python type name (`type(x).__name__`).
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .function: return "function"
        case .object(let o): return o.typeName
        case .unbound: return "unbound"
        }
    }

    /// Convenience wrappers for native code.
    public static func list(_ items: [Value]) -> Value { .list(ListObject(items)) }
    public static func dict(_ pairs: [(String, Value)]) -> Value {
        let d = DictObject()
        for (k, v) in pairs { d.setUnchecked(.str(k), v) }
        return .dict(d)
    }

    public var isNone: Bool { if case .none = self { return true } else { return false } }

    /// Identity comparison (`is`).
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.str(let a), .str(let b)): return a == b
        case (.list(let a), .list(let b)): return a === b
        case (.dict(let a), .dict(let b)): return a === b
        case (.tuple(let a), .tuple(let b)): return a.isEmpty && b.isEmpty
        case (.function(let a), .function(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }
}

// MARK: - Containers

/// A Python list: a reference to a growable array of values.
public final class ListObject {
    public var items: [Value]
    public init(_ items: [Value] = []) { self.items = items }
}

/// A mutable cell holding a variable captured by a closure.
public final class Cell {
    var value: Value
    init(_ value: Value = .unbound) { self.value = value }
}
