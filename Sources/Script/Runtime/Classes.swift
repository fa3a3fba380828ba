// MARK: - Classes, instances and exceptions
//
// Built-in types (`int`, `str`, …) and exception classes are ClassObjects too, so `isinstance`,
// `except ValueError`, `type(x)` and user subclasses of exceptions all work through one path.

public final class ClassObject: ScriptObject {
    public let name: String
    public var bases: [ClassObject]
    public var attributes: [String: Value] = [:]
    /// For built-in types: how calling the type constructs a value.
    var constructor: ((Arguments, Interpreter) throws -> Value)?
    /// For built-in types: which values are instances.
    var instanceCheck: ((Value) -> Bool)?

    init(name: String, bases: [ClassObject]) {
        self.name = name
        self.bases = bases
    }

    public var typeName: String { "type" }

    /// Depth-first, left-to-right method resolution (enough for single inheritance and mixins).
    func lookup(_ name: String) -> Value? {
        if let v = attributes[name] { return v }
        for b in bases { if let v = b.lookup(name) { return v } }
        return nil
    }

    func isSubclass(of other: ClassObject) -> Bool {
        if self === other { return true }
        return bases.contains { $0.isSubclass(of: other) }
    }

    var isException: Bool { isSubclass(named: "BaseException") }
    func isSubclass(named n: String) -> Bool {
        if name == n { return true }
        return bases.contains { $0.isSubclass(named: n) }
    }

    var mro: [ClassObject] {
        var out: [ClassObject] = [self]
        for b in bases { for c in b.mro where !out.contains(where: { $0 === c }) { out.append(c) } }
        return out
    }

    public func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        if let constructor { return try constructor(args, interp) }
        let instance = InstanceObject(cls: self)
        if isException { instance.args = args.positional }
        if let initializer = lookup("__init__") {
            var a = args
            a.positional.insert(.object(instance), at: 0)
            let r = try interp.call(initializer, a)
            if !r.isNone { throw ScriptError.typeError("__init__() should return None, not '\(r.typeName)'") }
        } else if args.count > 0 && !isException {
            throw ScriptError.typeError("\(name)() takes no arguments")
        }
        return .object(instance)
    }

    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "__name__", "__qualname__": return .str(self.name)
        case "__doc__": return lookup("__doc__") ?? Value.none
        case "__bases__": return .tuple(bases.map { .object($0) })
        case "__mro__": return .tuple(mro.map { .object($0) })
        default:
            if case .object(let s as StaticMethodObject)? = lookup(name) { return s.function }
            if self.name == "dict" && name == "fromkeys" && instanceCheck != nil {
                return .object(BuiltinFunction("fromkeys", parameters: [Parameter("iterable"), Parameter("value", default: Value.none)]) { a, i in
                    let d = DictObject()
                    for k in try i.iterate(a[0]) { try d.set(k, a[1]) }
                    return .dict(d)
                })
            }
            if instanceCheck != nil, let methods = Interpreter.builtinMethodNames[self.name], methods.contains(name) {
                // `str.lower`, `dict.get`…: the method taking its receiver as first argument.
                return .object(BuiltinFunction("\(self.name).\(name)") { args, i in
                    guard let receiver = args.positional.first else {
                        throw ScriptError.typeError("unbound method \(self.name).\(name)() needs an argument")
                    }
                    var rest = args
                    rest.positional.removeFirst()
                    guard let r = try i.callBuiltinMethod(receiver, name, rest) else {
                        throw ScriptError.typeError("descriptor '\(name)' for '\(self.name)' objects doesn't apply to a '\(receiver.typeName)' object")
                    }
                    return r
                })
            }
            return lookup(name)
        }
    }
    public func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws { attributes[name] = value }
    public func attributeNames() -> [String] { mro.flatMap { $0.attributes.keys }.sorted() }
    public func repr(in interp: Interpreter) throws -> String {
        instanceCheck != nil || isBuiltinException ? "<class '\(name)'>" : "<class '__main__.\(name)'>"
    }
    var isBuiltinException = false
}

/// An instance of a user class, or an exception.
public final class InstanceObject: ScriptObject {
    public let cls: ClassObject
    public var attributes: [String: Value] = [:]
    // Exception state.
    public var args: [Value] = []
    var cause: InstanceObject?
    var context: InstanceObject?
    var suppressContext = false
    var traceback: [TraceEntry] = []

    public init(cls: ClassObject) { self.cls = cls }

    public var typeName: String { cls.name }

    private func method(_ name: String) -> Value? {
        guard let f = cls.lookup(name) else { return nil }
        if case .object(let o) = f, o is BuiltinFunction { return .object(BoundMethodObject(.object(self), f)) }
        return .object(BoundMethodObject(.object(self), f))
    }
    private func callMethod(_ name: String, _ args: [Value], _ interp: Interpreter) throws -> Value? {
        guard let m = method(name) else { return nil }
        return try interp.call(m, Arguments(args))
    }

    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let v = attributes[name] { return v }
        if cls.isException {
            switch name {
            case "args": return .tuple(args)
            case "value" where cls.name == "StopIteration": return args.first ?? Value.none
            case "__cause__": return cause.map { .object($0) } ?? Value.none
            case "__context__": return context.map { .object($0) } ?? Value.none
            default: break
            }
        }
        if name == "__class__" { return .object(cls) }
        if name == "__dict__" {
            let d = DictObject()
            for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { d.setUnchecked(.str(k), v) }
            return .dict(d)
        }
        if let f = cls.lookup(name) {
            switch f {
            case .function, .object(is BuiltinFunction): return .object(BoundMethodObject(.object(self), f))
            case .object(let o as StaticMethodObject): return o.function
            case .object(let p as PropertyObject): return try interp.call(p.getter, Arguments([.object(self)]))
            default: return f
            }
        }
        if let getattr = cls.lookup("__getattr__") {
            return try interp.call(getattr, Arguments([.object(self), .str(name)]))
        }
        return nil
    }
    public func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws { attributes[name] = value }
    public func attributeNames() -> [String] { (Array(attributes.keys) + cls.attributeNames()).sorted() }

    public func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        guard let m = method("__call__") else { throw ScriptError.typeError("'\(typeName)' object is not callable") }
        return try interp.call(m, args)
    }
    public func item(_ index: Index, in interp: Interpreter) throws -> Value {
        guard let r = try callMethod("__getitem__", [index.key], interp) else {
            throw ScriptError.typeError("'\(typeName)' object is not subscriptable")
        }
        return r
    }
    public func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws {
        guard try callMethod("__setitem__", [index.key, value], interp) != nil else {
            throw ScriptError.typeError("'\(typeName)' object does not support item assignment")
        }
    }
    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator {
        if let it = try callMethod("__iter__", [], interp) {
            if case .object(let o) = it, let inst = o as? InstanceObject, inst.cls.lookup("__next__") != nil {
                return DunderIterator(inst, interp)
            }
            return try interp.makeIterator(it)
        }
        if cls.lookup("__getitem__") != nil { return GetItemIterator(self, interp) }
        throw ScriptError.typeError("'\(typeName)' object is not iterable")
    }
    public func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        var name = "__" + (reflected && !op.isComparison ? "r" : "") + op.dunder + "__"
        if reflected && op.isComparison {
            let swapped: [BinaryOperator: BinaryOperator] = [.less: .greater, .greater: .less, .lessEqual: .greaterEqual, .greaterEqual: .lessEqual, .equal: .equal, .notEqual: .notEqual]
            name = "__" + (swapped[op] ?? op).dunder + "__"
        }
        guard let r = try callMethod(name, [other], interp) else {
            if op == .notEqual, let eq = try callMethod("__eq__", [other], interp) {
                if case .object(let o) = eq, o is NotImplementedObject { return nil }
                return .bool(!(try interp.truthy(eq)))
            }
            return nil
        }
        if case .object(let o) = r, o is NotImplementedObject { return nil }
        return r
    }
    public func unaryOperation(_ op: UnaryOperator, in interp: Interpreter) throws -> Value? {
        let name = op == .negate ? "__neg__" : op == .plus ? "__pos__" : "__invert__"
        return try callMethod(name, [], interp)
    }
    public func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        guard let r = try callMethod("__contains__", [value], interp) else { return nil }
        return try interp.truthy(r)
    }
    public func repr(in interp: Interpreter) throws -> String {
        if let r = try callMethod("__repr__", [], interp) {
            guard case .str(let s) = r else { throw ScriptError.typeError("__repr__ returned non-string (type \(r.typeName))") }
            return s
        }
        if cls.isException {
            if args.count == 1 { return "\(cls.name)(\(try interp.repr(args[0])))" }
            return "\(cls.name)(\(try args.map { try interp.repr($0) }.joined(separator: ", ")))"
        }
        return "<__main__.\(cls.name) object at 0x\(String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16))>"
    }
    public func str(in interp: Interpreter) throws -> String {
        if let r = try callMethod("__str__", [], interp) {
            guard case .str(let s) = r else { throw ScriptError.typeError("__str__ returned non-string (type \(r.typeName))") }
            return s
        }
        if cls.isException {
            if cls.isSubclass(named: "KeyError"), args.count == 1 { return try interp.repr(args[0]) }
            if args.isEmpty { return "" }
            if args.count == 1 { return try interp.str(args[0]) }
            return try interp.repr(.tuple(args))
        }
        return try repr(in: interp)
    }
    public func length(in interp: Interpreter) throws -> Int? {
        guard let r = try callMethod("__len__", [], interp) else { return nil }
        guard case .int(let n) = r else { throw ScriptError.typeError("'\(r.typeName)' object cannot be interpreted as an integer") }
        return n
    }
    public func isTruthy(in interp: Interpreter) throws -> Bool {
        if let r = try callMethod("__bool__", [], interp) { return try interp.truthy(r) }
        if let n = try length(in: interp) { return n != 0 }
        return true
    }
    public func enter(in interp: Interpreter) throws -> Value {
        guard let r = try callMethod("__enter__", [], interp) else {
            throw ScriptError.typeError("'\(typeName)' object does not support the context manager protocol")
        }
        return r
    }
    public func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool {
        var args: [Value] = [.none, .none, .none]
        if let error {
            let e = interp.materialize(error)
            args = [.object(e.cls), .object(e), .none]
        }
        guard let r = try callMethod("__exit__", args, interp) else { return false }
        return try interp.truthy(r)
    }
    public func hashInto(_ hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// `NotImplemented`.
final class NotImplementedObject: ScriptObject, @unchecked Sendable {
    static let shared = NotImplementedObject()
    var typeName: String { "NotImplementedType" }
    func repr(in interp: Interpreter) throws -> String { "NotImplemented" }
}

/// `staticmethod(f)` inside a class body.
final class StaticMethodObject: ScriptObject {
    let function: Value
    init(_ function: Value) { self.function = function }
    var typeName: String { "staticmethod" }
}

/// `super()`: attribute lookup that starts after the defining class.
final class SuperObject: ScriptObject {
    let cls: ClassObject
    let instance: Value
    init(cls: ClassObject, instance: Value) {
        self.cls = cls
        self.instance = instance
    }
    var typeName: String { "super" }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        let order: [ClassObject]
        if case .object(let o) = instance, let inst = o as? InstanceObject {
            let mro = inst.cls.mro
            let start = (mro.firstIndex { $0 === cls } ?? 0) + 1
            order = Array(mro[min(start, mro.count)...])
        } else {
            order = Array(cls.mro.dropFirst())
        }
        for c in order {
            if let f = c.attributes[name] { return .object(BoundMethodObject(instance, f)) }
        }
        if name == "__init__" { return .object(BuiltinFunction("__init__") { _, _ in .none }) }
        return nil
    }
}

/// Iterates an instance through `__next__` until StopIteration.
final class DunderIterator: ScriptIterator {
    let instance: InstanceObject
    unowned let interp: Interpreter
    init(_ instance: InstanceObject, _ interp: Interpreter) {
        self.instance = instance
        self.interp = interp
    }
    func next() throws -> Value? {
        do {
            guard let m = try instance.attribute("__next__", in: interp) else { return nil }
            return try interp.call(m, Arguments())
        } catch let e as ScriptError where e.typeName == "StopIteration" {
            return nil
        }
    }
}

/// Iterates through `__getitem__(0), (1), …` until IndexError (the old sequence protocol).
final class GetItemIterator: ScriptIterator {
    let instance: InstanceObject
    unowned let interp: Interpreter
    var k = 0
    init(_ instance: InstanceObject, _ interp: Interpreter) {
        self.instance = instance
        self.interp = interp
    }
    func next() throws -> Value? {
        do {
            defer { k += 1 }
            return try instance.item(Index(components: [.value(.int(k))], isTuple: false, key: .int(k)), in: interp)
        } catch let e as ScriptError where e.typeName == "IndexError" || e.typeName == "StopIteration" {
            return nil
        }
    }
}
