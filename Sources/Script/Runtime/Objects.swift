// MARK: - Built-in object types

/// A user-defined function (or lambda) with its captured defaults and closure cells.
public final class FunctionObject {
    let code: CodeUnit
    /// One entry per parameter: its default value, if it has one.
    let defaults: [Value?]
    let closure: [Cell]
    var attributes: [String: Value] = [:]
    /// The class whose body defined this function (for `super()`).
    var definingClass: ClassObject?

    init(code: CodeUnit, defaults: [Value?], closure: [Cell]) {
        self.code = code
        self.closure = closure
        if defaults.count == code.parameters.count {
            self.defaults = defaults
        } else {
            // Lambdas pass only the defaults that exist, aligned to the last parameters.
            var d = [Value?](repeating: nil, count: code.parameters.count)
            var k = 0
            for (p, spec) in code.parameters.enumerated() where spec.defaultValue != nil && k < defaults.count {
                d[p] = defaults[k]
                k += 1
            }
            self.defaults = d
        }
    }

    public var name: String { code.name }
    /// Parameter names in order (for REPL completion of keyword arguments).
    public var parameterNames: [String] { code.parameters.map(\.name) }
}

/// A module: a named attribute table. Native libraries build these for `import torch` & co.
public final class ModuleObject: ScriptObject {
    public let name: String
    public var attributes: [String: Value]
    public var doc: String

    public init(_ name: String, _ attributes: [String: Value] = [:], doc: String = "") {
        self.name = name
        self.attributes = attributes
        self.doc = doc
    }

    /// Adds a native function with named parameters.
    public func define(_ name: String, _ parameters: [Parameter], doc: String = "", _ body: @escaping ([Value], Interpreter) throws -> Value) {
        attributes[name] = .object(BuiltinFunction(name, Signature(parameters), doc: doc, body))
    }
    /// Adds a native function that takes raw arguments.
    public func define(_ name: String, doc: String = "", _ body: @escaping (Arguments, Interpreter) throws -> Value) {
        attributes[name] = .object(BuiltinFunction(name, doc: doc, body))
    }

    public var typeName: String { "module" }
    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let v = attributes[name] { return v }
        switch name {
        case "__name__": return .str(self.name)
        case "__doc__": return .str(doc)
        default:
            if let sub = try? interp.importModule(self.name + "." + name) { return .object(sub) }
            throw ScriptError.attributeError("module '\(self.name)' has no attribute '\(name)'")
        }
    }
    public func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws { attributes[name] = value }
    public func attributeNames() -> [String] { attributes.keys.sorted() }
    public func repr(in interp: Interpreter) throws -> String { "<module '\(name)' (built-in)>" }
}

/// `range(start, stop, step)`.
public final class RangeObject: ScriptObject {
    let start: Int, stop: Int, step: Int
    init(_ start: Int, _ stop: Int, _ step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    public var typeName: String { "range" }
    var count: Int {
        if step > 0 { return start < stop ? (stop - start - 1) / step + 1 : 0 }
        return start > stop ? (start - stop - 1) / (-step) + 1 : 0
    }
    public func length(in interp: Interpreter) throws -> Int? { count }
    public func repr(in interp: Interpreter) throws -> String {
        step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
    }
    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { RangeIterator(self) }
    public func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        guard case .int(let v) = value else { return false }
        if step > 0 { return v >= start && v < stop && (v - start) % step == 0 }
        return v <= start && v > stop && (start - v) % (-step) == 0
    }
    public func item(_ index: Index, in interp: Interpreter) throws -> Value {
        if case .int(var k) = index.key {
            if k < 0 { k += count }
            guard k >= 0 && k < count else { throw ScriptError.indexError("range object index out of range") }
            return .int(start + k * step)
        }
        if case .object(let o) = index.key, let s = o as? SliceObject {
            let (a, b, st) = try s.indices(count: count)
            return .object(RangeObject(start + a * step, start + b * step, step * st))
        }
        throw ScriptError.typeError("range indices must be integers or slices, not \(index.key.typeName)")
    }
    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "start": return .int(start)
        case "stop": return .int(stop)
        case "step": return .int(step)
        default: return nil
        }
    }
    public func hashEquals(_ other: any ScriptObject) -> Bool {
        guard let r = other as? RangeObject else { return false }
        return r.start == start && r.stop == stop && r.step == step
    }
}

final class RangeIterator: ScriptIterator {
    var current: Int
    let stop: Int, step: Int
    init(_ r: RangeObject) {
        current = r.start
        stop = r.stop
        step = r.step
    }
    func next() throws -> Value? {
        if step > 0 ? current >= stop : current <= stop { return nil }
        defer { current += step }
        return .int(current)
    }
}

/// A slice `start:stop:step`.
public final class SliceObject: ScriptObject {
    public let start: Value, stop: Value, step: Value
    init(start: Value, stop: Value, step: Value) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    public var typeName: String { "slice" }
    public func repr(in interp: Interpreter) throws -> String {
        "slice(\(try interp.repr(start)), \(try interp.repr(stop)), \(try interp.repr(step)))"
    }

    private func optionalInt(_ v: Value) throws -> Int? {
        switch v {
        case .none: return nil
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw ScriptError.typeError("slice indices must be integers or None or have an __index__ method")
        }
    }
    /// The raw (unclamped) components, for native subscripts.
    public func components() throws -> (Int?, Int?, Int?) {
        (try optionalInt(start), try optionalInt(stop), try optionalInt(step))
    }

    /// Python's `slice.indices(len)`: clamped start, stop and step.
    func indices(count: Int) throws -> (Int, Int, Int) {
        let step = try optionalInt(self.step) ?? 1
        if step == 0 { throw ScriptError.valueError("slice step cannot be zero") }
        func clamp(_ v: Int?, _ defaultValue: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 {
                v += count
                if v < 0 { v = step < 0 ? -1 : 0 }
            } else if v >= count {
                v = step < 0 ? count - 1 : count
            }
            return v
        }
        let a = clamp(try optionalInt(start), step < 0 ? count - 1 : 0)
        let b = clamp(try optionalInt(stop), step < 0 ? -1 : count)
        return (a, b, step)
    }

    /// The positions a slice selects in a sequence of `count` items.
    func positions(count: Int) throws -> [Int] {
        let (a, b, step) = try indices(count: count)
        var out: [Int] = []
        var k = a
        while step > 0 ? k < b : k > b {
            out.append(k)
            k += step
        }
        return out
    }
}

/// `...`.
public final class EllipsisObject: ScriptObject, @unchecked Sendable {
    public static let shared = EllipsisObject()
    public var typeName: String { "ellipsis" }
    public func repr(in interp: Interpreter) throws -> String { "Ellipsis" }
}

/// An iterator object over any script iterator (`iter(x)`, `enumerate`, `zip`, `map` results).
public final class IteratorObject: ScriptObject, ScriptIterator {
    let base: any ScriptIterator
    let name: String
    public init(_ base: any ScriptIterator, name: String = "iterator") {
        self.base = base
        self.name = name
    }
    public var typeName: String { name }
    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { self }
    public func next() throws -> Value? { try base.next() }
}

/// A method of a built-in value taken without calling it (`f = items.append`).
final class BuiltinMethodObject: ScriptObject {
    let receiver: Value
    let name: String
    init(_ receiver: Value, _ name: String) {
        self.receiver = receiver
        self.name = name
    }
    var typeName: String { "builtin_function_or_method" }
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        guard let r = try interp.callBuiltinMethod(receiver, name, args) else {
            throw ScriptError.attributeError("'\(receiver.typeName)' object has no attribute '\(name)'")
        }
        return r
    }
    func repr(in interp: Interpreter) throws -> String { "<built-in method \(name) of \(receiver.typeName) object>" }
}

/// A function bound to an instance (`obj.method`).
final class BoundMethodObject: ScriptObject {
    let receiver: Value
    let function: Value
    init(_ receiver: Value, _ function: Value) {
        self.receiver = receiver
        self.function = function
    }
    var typeName: String { "method" }
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var a = args
        a.positional.insert(receiver, at: 0)
        return try interp.call(function, a)
    }
    func repr(in interp: Interpreter) throws -> String {
        let name: String
        if case .function(let f) = function { name = f.name } else { name = "?" }
        return "<bound method \(name) of \(try interp.repr(receiver))>"
    }
}
