// MARK: - Attributes, subscripts, iteration, context managers, exceptions

extension Interpreter {
    // MARK: Attributes

    public func getAttribute(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .object(let o):
            if let r = try o.attribute(name, in: self) { return r }
            if name == "__class__" { return typeObject(of: v) }
            if let cls = o as? ClassObject {
                throw ScriptError.attributeError("type object '\(cls.name)' has no attribute '\(name)'")
            }
        case .function(let f):
            switch name {
            case "__name__", "__qualname__": return .str(f.code.name)
            case "__doc__": return f.code.docstring.map { .str($0) } ?? Value.none
            default: if let a = f.attributes[name] { return a }
            }
        default:
            if name == "__class__" { return typeObject(of: v) }
            if hasBuiltinMethod(v, name) { return .object(BuiltinMethodObject(v, name)) }
            switch (v, name) {
            case (.int(let i), "real"), (.int(let i), "numerator"): return .int(i)
            case (.int, "imag"): return .int(0)
            case (.int, "denominator"): return .int(1)
            case (.float(let d), "real"): return .float(d)
            case (.float, "imag"): return .float(0)
            default: break
            }
        }
        throw ScriptError.attributeError("'\(v.typeName)' object has no attribute '\(name)'")
    }

    public func setAttribute(_ v: Value, _ name: String, _ value: Value) throws {
        switch v {
        case .object(let o): try o.setAttribute(name, to: value, in: self)
        case .function(let f): f.attributes[name] = value
        default:
            if hasBuiltinMethod(v, name) {
                throw ScriptError.attributeError("'\(v.typeName)' object attribute '\(name)' is read-only")
            }
            throw ScriptError.attributeError("'\(v.typeName)' object has no attribute '\(name)'")
        }
    }

    // MARK: Subscripts

    /// Turns a subscript key into the structured form native objects receive.
    public func makeIndex(_ key: Value) throws -> Index {
        func component(_ v: Value) throws -> IndexComponent {
            switch v {
            case .none: return .newAxis
            case .object(let o) where o is EllipsisObject: return .ellipsis
            case .object(let o):
                if let s = o as? SliceObject {
                    let (a, b, c) = try s.components()
                    return .slice(start: a, stop: b, step: c)
                }
                return .value(v)
            default: return .value(v)
            }
        }
        if case .tuple(let items) = key {
            return Index(components: try items.map(component), isTuple: true, key: key)
        }
        return Index(components: [try component(key)], isTuple: false, key: key)
    }

    func sequenceIndex(_ key: Value, count: Int, kind: String) throws -> Int {
        guard var k = key.intLike else {
            throw ScriptError.typeError("\(kind) indices must be integers or slices, not \(key.typeName)")
        }
        if k < 0 { k += count }
        guard k >= 0 && k < count else { throw ScriptError.indexError("\(kind) index out of range") }
        return k
    }

    public func getItem(_ o: Value, _ key: Value) throws -> Value {
        switch o {
        case .list(let l):
            if case .object(let s as SliceObject) = key {
                return .list(ListObject(try s.positions(count: l.items.count).map { l.items[$0] }))
            }
            return l.items[try sequenceIndex(key, count: l.items.count, kind: "list")]
        case .tuple(let t):
            if case .object(let s as SliceObject) = key { return .tuple(try s.positions(count: t.count).map { t[$0] }) }
            return t[try sequenceIndex(key, count: t.count, kind: "tuple")]
        case .str(let s):
            let scalars = Array(s.unicodeScalars)
            if case .object(let sl as SliceObject) = key {
                var out = String.UnicodeScalarView()
                for p in try sl.positions(count: scalars.count) { out.append(scalars[p]) }
                return .str(String(out))
            }
            guard key.intLike != nil else { throw ScriptError.typeError("string indices must be integers, not '\(key.typeName)'") }
            return .str(String(scalars[try sequenceIndex(key, count: scalars.count, kind: "string")]))
        case .dict(let d):
            if let v = try d.get(key) { return v }
            throw ScriptError.keyError(key)
        case .object(let obj):
            if let cls = obj as? ClassObject, cls.instanceCheck != nil { return o }
            return try obj.item(try makeIndex(key), in: self)
        default:
            throw ScriptError.typeError("'\(o.typeName)' object is not subscriptable")
        }
    }

    public func setItem(_ o: Value, _ key: Value, _ value: Value) throws {
        switch o {
        case .list(let l):
            if case .object(let s as SliceObject) = key {
                let newItems = try iterate(value)
                let (a, b, step) = try s.indices(count: l.items.count)
                if step == 1 {
                    let lo = a, hi = max(a, b)
                    l.items.replaceSubrange(lo..<hi, with: newItems)
                } else {
                    let positions = try s.positions(count: l.items.count)
                    guard positions.count == newItems.count else {
                        throw ScriptError.valueError("attempt to assign sequence of size \(newItems.count) to extended slice of size \(positions.count)")
                    }
                    for (p, v) in zip(positions, newItems) { l.items[p] = v }
                }
                return
            }
            guard key.intLike != nil else { throw ScriptError.typeError("list indices must be integers or slices, not \(key.typeName)") }
            guard var k = key.intLike else { return }
            if k < 0 { k += l.items.count }
            guard k >= 0 && k < l.items.count else { throw ScriptError.indexError("list assignment index out of range") }
            l.items[k] = value
        case .dict(let d): try d.set(key, value)
        case .object(let obj): try obj.setItem(try makeIndex(key), to: value, in: self)
        default:
            throw ScriptError.typeError("'\(o.typeName)' object does not support item assignment")
        }
    }

    public func deleteItem(_ o: Value, _ key: Value) throws {
        switch o {
        case .list(let l):
            if case .object(let s as SliceObject) = key {
                let positions = Set(try s.positions(count: l.items.count))
                l.items = l.items.enumerated().filter { !positions.contains($0.offset) }.map(\.element)
                return
            }
            guard var k = key.intLike else { throw ScriptError.typeError("list indices must be integers or slices, not \(key.typeName)") }
            if k < 0 { k += l.items.count }
            guard k >= 0 && k < l.items.count else { throw ScriptError.indexError("list assignment index out of range") }
            l.items.remove(at: k)
        case .dict(let d):
            if try d.remove(key) == nil { throw ScriptError.keyError(key) }
        case .object(let obj): try obj.deleteItem(try makeIndex(key), in: self)
        default:
            throw ScriptError.typeError("'\(o.typeName)' object doesn't support item deletion")
        }
    }

    // MARK: Iteration

    /// All items of an iterable.
    public func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .str(let s): return s.unicodeScalars.map { .str(String($0)) }
        case .dict(let d): return d.keyList
        case .object(let o):
            if let s = o as? SetObject { return s.items }
            if let r = o as? RangeObject {
                var out: [Value] = []
                out.reserveCapacity(r.count)
                var k = r.start
                while r.step > 0 ? k < r.stop : k > r.stop {
                    out.append(.int(k))
                    k += r.step
                }
                return out
            }
            let it = try o.makeIterator(in: self)
            var out: [Value] = []
            while let x = try it.next() { out.append(x) }
            return out
        default:
            throw ScriptError.typeError("'\(v.typeName)' object is not iterable")
        }
    }

    /// Calls `body` for each item until it returns false.
    public func forEach(_ v: Value, _ body: (Value) throws -> Bool) throws {
        switch v {
        case .list(let l):
            var k = 0
            while k < l.items.count {
                if try !body(l.items[k]) { return }
                k += 1
            }
        case .tuple(let t):
            for x in t where try !body(x) { return }
        case .str(let s):
            for c in s.unicodeScalars where try !body(.str(String(c))) { return }
        case .dict(let d):
            let count = d.count
            for k in d.keyList {
                if try !body(k) { return }
                if d.count != count { throw ScriptError.runtimeError("dictionary changed size during iteration") }
            }
        case .object(let o):
            if let r = o as? RangeObject {
                var k = r.start
                while r.step > 0 ? k < r.stop : k > r.stop {
                    if try !body(.int(k)) { return }
                    k += r.step
                }
                return
            }
            let it = try o.makeIterator(in: self)
            while let x = try it.next() {
                if try !body(x) { return }
            }
        default:
            throw ScriptError.typeError("'\(v.typeName)' object is not iterable")
        }
    }

    /// An iterator over any iterable (`iter(x)`).
    public func makeIterator(_ v: Value) throws -> any ScriptIterator {
        switch v {
        case .object(let o):
            if let s = o as? SetObject { return ArrayIterator(s.items) }
            return try o.makeIterator(in: self)
        case .list(let l): return ListIterator(l)
        default: return ArrayIterator(try iterate(v))
        }
    }

    /// The key/value pairs of a mapping (a dict, or any object with `keys()` and subscripting).
    public func mappingItems(_ v: Value, context: String) throws -> [(Value, Value)] {
        if case .dict(let d) = v { return d.entries.map { ($0.key, $0.value) } }
        if case .object = v, let keys = try? getAttribute(v, "keys") {
            return try iterate(try call(keys, Arguments())).map { ($0, try getItem(v, $0)) }
        }
        throw ScriptError.typeError(context)
    }

    // MARK: Context managers

    func enterContext(_ v: Value) throws -> Value {
        guard case .object(let o) = v else {
            throw ScriptError.typeError("'\(v.typeName)' object does not support the context manager protocol")
        }
        return try o.enter(in: self)
    }

    func exitContext(_ v: Value, _ error: ScriptError?) throws -> Bool {
        guard case .object(let o) = v else { return false }
        return try o.exit(error, in: self)
    }

    // MARK: Exceptions

    /// The script-visible exception object of an error.
    public func materialize(_ error: ScriptError) -> InstanceObject {
        switch error.payload {
        case .instance(let i): return i
        case .pending(let type, let args):
            let cls = exceptionClasses[type] ?? {
                let c = ClassObject(name: type, bases: [exceptionClasses["Exception"] ?? objectClass])
                c.isBuiltinException = true
                exceptionClasses[type] = c
                return c
            }()
            let i = InstanceObject(cls: cls)
            i.args = args
            return i
        }
    }

    func exceptionMatches(_ e: InstanceObject, _ type: Value) throws -> Bool {
        switch type {
        case .object(let o as ClassObject):
            guard o.isException else {
                throw ScriptError.typeError("catching classes that do not inherit from BaseException is not allowed")
            }
            return e.cls.isSubclass(of: o)
        case .tuple(let items):
            for t in items where try exceptionMatches(e, t) { return true }
            return false
        default:
            throw ScriptError.typeError("catching classes that do not inherit from BaseException is not allowed")
        }
    }

    func makeException(_ v: Value) throws -> InstanceObject {
        if case .object(let o) = v {
            if let i = o as? InstanceObject, i.cls.isException { return i }
            if let c = o as? ClassObject, c.isException {
                if case .object(let made as InstanceObject) = try c.call(Arguments(), in: self) { return made }
            }
        }
        throw ScriptError.typeError("exceptions must derive from BaseException")
    }
}

/// Iterates a list live (sees appends made during the loop, as Python does).
final class ListIterator: ScriptIterator {
    let list: ListObject
    var k = 0
    init(_ list: ListObject) { self.list = list }
    func next() throws -> Value? {
        guard k < list.items.count else { return nil }
        defer { k += 1 }
        return list.items[k]
    }
}
