import Foundation

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
    /// A string marked safe (Jinja's `Markup`, from `|safe` or `|e`): adding a plain string to it
    /// HTML-escapes the plain string, as Python's `Markup.__add__` does. Elsewhere it acts as a string.
    case markup(String)
    case array([JinjaValue])
    /// A Python tuple: `(a, b)` literals, `dict.items()` pairs, a macro's `varargs`. Prints as `(a, b)`.
    case tuple([JinjaValue])
    case object(JinjaObject)
    /// The mutable object `namespace()` returns; `{% set ns.x = … %}` assigns into it. It is shared by
    /// reference, as in Jinja: a macro given `ns` as an argument updates the caller's namespace.
    case namespace(JinjaNamespace)
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

    /// Python dicts may have non-string keys (`{1024: 'x'}` in a template). Such a key is stored under
    /// ``storageKey(_:)``, and `entries` gives it back as the value it was.
    public var entries: [(key: JinjaValue, value: JinjaValue)] {
        pairs.map { (JinjaObject.keyValue($0.key), $0.value) }
    }

    /// The `keys` string for a key value: strings as themselves, other keys tagged so they cannot collide.
    public static func storageKey(_ key: JinjaValue) -> String {
        if case .string(let s) = key.unmarked { return s }
        return nonStringKeyPrefix + key.pythonRepr
    }

    static let nonStringKeyPrefix = "\u{1}key:"

    static func keyValue(_ storageKey: String) -> JinjaValue {
        guard storageKey.hasPrefix(nonStringKeyPrefix) else { return .string(storageKey) }
        let text = String(storageKey.dropFirst(nonStringKeyPrefix.count))
        switch text {
        case "None": return .none
        case "True": return .bool(true)
        case "False": return .bool(false)
        default:
            if let i = Int(text) { return .int(i) }
            if let d = Double(text) { return .double(d) }
            return .string(text)
        }
    }

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

/// The object behind a `namespace()` value: attributes shared by every copy of the value.
public final class JinjaNamespace: @unchecked Sendable {
    // @unchecked: all access to `attributes` goes through `lock`.
    private let lock = NSLock()
    private var attributes: JinjaObject

    public init(_ attributes: JinjaObject = JinjaObject()) {
        self.attributes = attributes
    }

    /// The attributes at this moment.
    public var snapshot: JinjaObject { lock.withLock { attributes } }

    public subscript(name: String) -> JinjaValue? {
        get { lock.withLock { attributes[name] } }
        set { lock.withLock { attributes[name] = newValue } }
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
    /// From a Swift dictionary, whose order is unspecified: keys are sorted to stay deterministic.
    /// Use a dictionary literal, `KeyValuePairs` or ``init(json:)`` where order matters.
    public init(sortingKeysOf dictionary: [String: JinjaValue]) {
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
        case .markup: return "Markup"
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
        case .string(let s), .markup(let s): return !s.isEmpty
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

    public var stringValue: String? {
        switch self {
        case .string(let s), .markup(let s): return s
        default: return nil
        }
    }

    /// Markup as a plain string; every other value unchanged.
    var unmarked: JinjaValue {
        if case .markup(let s) = self { return .string(s) }
        return self
    }

    /// The elements of a list or tuple.
    var sequenceItems: [JinjaValue]? {
        switch self {
        case .array(let items), .tuple(let items): return items
        default: return nil
        }
    }
}
