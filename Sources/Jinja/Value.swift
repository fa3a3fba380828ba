// The values a template computes with: Python's data model as Jinja sees it (None, bools, ints,
// floats, strings, lists, insertion-ordered dicts), plus Jinja's `Undefined`, `namespace()` objects,
// macros and built-in functions.

/// A value inside a template. Dictionaries keep insertion order (``JinjaObject``) because
/// `tojson` of a tool schema must print keys in the order Python would.
public enum JinjaValue: Sendable {
    /// Jinja's default `Undefined`: renders empty, is falsy, iterates as empty; most other uses are errors.
    case undefined
    /// Python's `None`.
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JinjaValue])
    /// A Python tuple: `(a, b)` literals, `dict.items()` pairs, a macro's `varargs`. Prints as `(a, b)`.
    case tuple([JinjaValue])
    case object(JinjaObject)
    /// The mutable object `namespace()` returns; `{% set ns.x = … %}` assigns into it.
    case namespace(JinjaObject)
    /// A callable: a built-in function, a bound method, or a macro.
    case function(JinjaFunction)
}

/// An insertion-ordered string-keyed dictionary (what Python's `dict` is for templates).
public struct JinjaObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: JinjaValue] = [:]

    public init() {}

    public init(_ pairs: [(String, JinjaValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The pairs in insertion order.
    public var pairs: [(key: String, value: JinjaValue)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }

    public var values: [JinjaValue] { keys.compactMap { storage[$0] } }

    public subscript(key: String) -> JinjaValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Python dict equality: same keys and values, order ignored.
    public static func == (lhs: JinjaObject, rhs: JinjaObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.storage {
            guard let other = rhs.storage[key], value.pythonEquals(other) else { return false }
        }
        return true
    }
}

/// Arguments of a call: positional values and keyword arguments in call order.
public struct JinjaArguments: Sendable {
    public var positional: [JinjaValue]
    public var keywords: [(String, JinjaValue)]

    public init(positional: [JinjaValue] = [], keywords: [(String, JinjaValue)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The argument at `index`, or the keyword `name`, as Python binds parameters.
    func value(_ index: Int, _ name: String) -> JinjaValue? {
        if index < positional.count { return positional[index] }
        return keywords.first { $0.0 == name }?.1
    }
}

/// A callable value. Built-ins run a closure; macros are run by the interpreter that defined them.
public struct JinjaFunction: Sendable {
    enum Body: Sendable {
        case native(@Sendable (JinjaArguments) throws -> JinjaValue)
        case macro(Macro)
    }

    public let name: String
    let body: Body

    /// A built-in function implemented in Swift (for example a template global passed in the context).
    public init(name: String, _ call: @escaping @Sendable (JinjaArguments) throws -> JinjaValue) {
        self.name = name
        self.body = .native(call)
    }

    init(macro: Macro) {
        self.name = macro.name
        self.body = .macro(macro)
    }
}

/// A `{% macro %}` (or the body of a `{% call %}` block): parameters with default expressions and a body.
struct Macro: Sendable {
    let name: String
    let parameters: [(name: String, defaultValue: Expression?)]
    let body: [Statement]
    /// Variables a `{% call %}` body closes over (the call site's scope); nil for ordinary macros,
    /// which see the template's top-level variables at call time.
    let captured: [String: JinjaValue]?
}

// MARK: - Swift conveniences

extension JinjaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JinjaValue...) { self = .array(elements) }
    /// Dictionary literals keep their written order, like a Python dict literal.
    public init(dictionaryLiteral elements: (String, JinjaValue)...) { self = .object(JinjaObject(elements)) }
    public init(nilLiteral: ()) { self = .none }

    public init(_ value: String) { self = .string(value) }
    public init(_ value: Int) { self = .int(value) }
    public init(_ value: Double) { self = .double(value) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ values: [JinjaValue]) { self = .array(values) }
    public init(_ values: [String]) { self = .array(values.map(JinjaValue.string)) }
    /// From ordered pairs (keeps their order).
    public init(_ pairs: KeyValuePairs<String, JinjaValue>) { self = .object(JinjaObject(pairs.map { ($0.key, $0.value) })) }
    /// From a Swift dictionary; its order is unspecified, so keys are sorted to stay deterministic.
    /// Use ``init(_:)-(KeyValuePairs)``, a dictionary literal or ``init(json:)`` where order matters.
    public init(_ dictionary: [String: JinjaValue]) {
        self = .object(JinjaObject(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    /// From the output of Foundation's `JSONSerialization` (NSNumber booleans become `bool`, NSNull `none`).
    /// Dictionary order is not preserved by Foundation: keys are sorted. Prefer ``init(json:)`` for tool schemas.
    public init(any value: Any?) {
        self = JinjaValue.fromAny(value)
    }
}

// MARK: - Kinds

extension JinjaValue {
    /// The Python type name, for error messages (`'int' object has no attribute 'x'`).
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .tuple: return "tuple"
        case .object: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        }
    }

    var isUndefined: Bool { if case .undefined = self { return true } else { return false } }
    var isNone: Bool { if case .none = self { return true } else { return false } }

    /// Python truthiness; Undefined is falsy.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a), .tuple(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .namespace, .function: return true
        }
    }

    /// The numeric value when this is a number (bools count, as in Python).
    var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    var asInt: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The elements of a list or tuple.
    var sequenceItems: [JinjaValue]? {
        switch self {
        case .array(let items), .tuple(let items): return items
        default: return nil
        }
    }
}
