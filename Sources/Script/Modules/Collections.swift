// MARK: - collections: Counter, defaultdict, OrderedDict, namedtuple, deque

/// Dict subclasses of `collections`, sharing the dict's storage and methods.
final class DictLikeObject: ScriptObject {
    enum Kind {
        case counter
        case defaultDict(Value)
        case ordered
    }
    let storage: DictObject
    let kind: Kind
    init(_ kind: Kind, _ storage: DictObject = DictObject()) {
        self.kind = kind
        self.storage = storage
    }

    var typeName: String {
        switch kind {
        case .counter: return "Counter"
        case .defaultDict: return "defaultdict"
        case .ordered: return "OrderedDict"
        }
    }

    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        if let v = try storage.get(index.key) { return v }
        switch kind {
        case .counter: return .int(0)
        case .defaultDict(let factory):
            if factory.isNone { throw ScriptError.keyError(index.key) }
            let v = try interp.call(factory, Arguments())
            try storage.set(index.key, v)
            return v
        case .ordered: throw ScriptError.keyError(index.key)
        }
    }
    func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws { try storage.set(index.key, value) }
    func deleteItem(_ index: Index, in interp: Interpreter) throws {
        if try storage.remove(index.key) == nil, case .counter = kind { return }
    }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(storage.keyList) }
    func length(in interp: Interpreter) throws -> Int? { storage.count }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? { try storage.get(value) != nil }

    func mostCommon(_ interp: Interpreter) throws -> [(key: Value, value: Value)] {
        let entries = storage.entries
        let order = try interp.sortValues(entries.indices.map { .int($0) }, key: .object(BuiltinFunction("count") { args, _ in
            entries[args.positional[0].intLike ?? 0].value
        }), reverse: true)
        return order.map { entries[$0.intLike ?? 0] }
    }

    func repr(in interp: Interpreter) throws -> String {
        switch kind {
        case .counter:
            if storage.count == 0 { return "Counter()" }
            return "Counter({" + (try mostCommon(interp).map { try interp.repr($0.key) + ": " + interp.repr($0.value) }.joined(separator: ", ")) + "})"
        case .defaultDict(let factory):
            return "defaultdict(\(try interp.repr(factory)), \(try interp.repr(.dict(storage))))"
        case .ordered:
            if storage.count == 0 { return "OrderedDict()" }
            return "OrderedDict(" + (try interp.repr(.list(ListObject(storage.entries.map { .tuple([$0.key, $0.value]) })))) + ")"
        }
    }

    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        let otherStorage: DictObject?
        switch other {
        case .dict(let d): otherStorage = d
        case .object(let o as DictLikeObject): otherStorage = o.storage
        default: otherStorage = nil
        }
        guard let otherStorage else { return nil }
        switch op {
        case .equal: return .bool(try interp.equals(.dict(storage), .dict(otherStorage)))
        case .notEqual: return .bool(!(try interp.equals(.dict(storage), .dict(otherStorage))))
        case .add, .subtract:
            guard case .counter = kind else { return nil }
            let result = DictObject()
            let (a, b) = reflected ? (otherStorage, storage) : (storage, otherStorage)
            for (k, v) in a.entries { result.setUnchecked(k, v) }
            for (k, v) in b.entries {
                let current = try result.get(k) ?? .int(0)
                result.setUnchecked(k, try interp.binary(op, current, v))
            }
            let positive = DictObject()
            for (k, v) in result.entries where try interp.truthy(try interp.binary(.greater, v, .int(0))) { positive.setUnchecked(k, v) }
            return .object(DictLikeObject(.counter, positive))
        default: return nil
        }
    }

    func attributeNames() -> [String] {
        var names = Array(Interpreter.dictMethods)
        if case .counter = kind { names += ["most_common", "elements", "subtract", "total"] }
        return names.sorted()
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if case .counter = kind {
            switch name {
            case "most_common":
                return .object(BuiltinFunction("most_common", parameters: [Parameter("n", default: Value.none)]) { [unowned self] a, i in
                    var items = try self.mostCommon(i)
                    if let n = a[0].intLike { items = Array(items.prefix(max(0, n))) }
                    return .list(ListObject(items.map { .tuple([$0.key, $0.value]) }))
                })
            case "elements":
                return .object(BuiltinFunction("elements") { [unowned self] _, _ in
                    var out: [Value] = []
                    for (k, v) in self.storage.entries { for _ in 0..<max(0, v.intLike ?? 0) { out.append(k) } }
                    return .object(IteratorObject(ArrayIterator(out), name: "chain"))
                })
            case "total":
                return .object(BuiltinFunction("total") { [unowned self] _, i in
                    var t: Value = .int(0)
                    for v in self.storage.valueList { t = try i.binary(.add, t, v) }
                    return t
                })
            case "update", "subtract":
                return .object(BuiltinFunction(name) { [unowned self] args, i in
                    try self.count(args, i, sign: name == "update" ? 1 : -1)
                    return Value.none
                })
            default: break
            }
        }
        if name == "default_factory", case .defaultDict(let f) = kind { return f }
        if name == "copy" {
            return .object(BuiltinFunction("copy") { [unowned self] _, _ in .object(DictLikeObject(self.kind, self.storage.copy())) })
        }
        if Interpreter.dictMethods.contains(name) { return .object(BuiltinMethodObject(.dict(storage), name)) }
        if name == "move_to_end", case .ordered = kind {
            return .object(BuiltinFunction("move_to_end") { [unowned self] args, i in
                guard let key = args.positional.first, let v = try self.storage.remove(key) else {
                    throw ScriptError.keyError(args.positional.first ?? Value.none)
                }
                if try i.truthy(args.keyword("last") ?? .bool(true)) {
                    try self.storage.set(key, v)
                } else {
                    let rest = self.storage.entries
                    self.storage.removeAll()
                    try self.storage.set(key, v)
                    for (k, x) in rest { try self.storage.set(k, x) }
                }
                return Value.none
            })
        }
        return nil
    }

    /// Counter construction/update: counts an iterable, or adds a mapping's counts.
    func count(_ args: Arguments, _ i: Interpreter, sign: Int) throws {
        func add(_ k: Value, _ n: Value) throws {
            let current = try storage.get(k) ?? .int(0)
            try storage.set(k, try i.binary(sign > 0 ? .add : .subtract, current, n))
        }
        if let source = args.positional.first {
            switch source {
            case .dict, .object(is DictLikeObject):
                for (k, v) in try i.mappingItems(source, context: "") { try add(k, v) }
            default:
                try i.forEach(source) { v in
                    try add(v, .int(1))
                    return true
                }
            }
        }
        for (k, v) in args.keywords { try add(.str(k), v) }
    }
}

/// A class made by `namedtuple`.
final class NamedTupleClass: ScriptObject {
    let name: String
    let fields: [String]
    let defaults: [Value]
    init(name: String, fields: [String], defaults: [Value]) {
        self.name = name
        self.fields = fields
        self.defaults = defaults
    }
    var typeName: String { "type" }
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var parameters = fields.map { Parameter($0) }
        for (k, d) in defaults.enumerated() { parameters[fields.count - defaults.count + k].defaultValue = d }
        let values = try Signature(parameters).bind(args, function: name)
        return .object(NamedTupleObject(self, values))
    }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "_fields": return .tuple(fields.map { .str($0) })
        case "__name__": return .str(self.name)
        case "_make":
            return .object(BuiltinFunction("_make") { [unowned self] args, i in
                .object(NamedTupleObject(self, try i.iterate(args.positional.first ?? .tuple([]))))
            })
        default: return nil
        }
    }
    func repr(in interp: Interpreter) throws -> String { "<class '__main__.\(name)'>" }
}

final class NamedTupleObject: ScriptObject {
    let cls: NamedTupleClass
    let values: [Value]
    init(_ cls: NamedTupleClass, _ values: [Value]) {
        self.cls = cls
        self.values = values
    }
    var typeName: String { cls.name }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let k = cls.fields.firstIndex(of: name) { return values[k] }
        switch name {
        case "_fields": return .tuple(cls.fields.map { .str($0) })
        case "_asdict":
            return .object(BuiltinFunction("_asdict") { [unowned self] _, _ in
                let d = DictObject()
                for (k, v) in zip(self.cls.fields, self.values) { d.setUnchecked(.str(k), v) }
                return .dict(d)
            })
        case "_replace":
            return .object(BuiltinFunction("_replace") { [unowned self] args, _ in
                var values = self.values
                for (k, v) in args.keywords {
                    guard let p = self.cls.fields.firstIndex(of: k) else { throw ScriptError.valueError("Got unexpected field names: ['\(k)']") }
                    values[p] = v
                }
                return .object(NamedTupleObject(self.cls, values))
            })
        case "count", "index": return .object(BuiltinMethodObject(.tuple(values), name))
        default: return nil
        }
    }
    func attributeNames() -> [String] { cls.fields + ["_asdict", "_fields", "_replace", "count", "index"] }
    func item(_ index: Index, in interp: Interpreter) throws -> Value { try interp.getItem(.tuple(values), index.key) }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(values) }
    func length(in interp: Interpreter) throws -> Int? { values.count }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? { try interp.contains(.tuple(values), value) }
    func repr(in interp: Interpreter) throws -> String {
        "\(cls.name)(" + (try zip(cls.fields, values).map { "\($0)=\(try interp.repr($1))" }.joined(separator: ", ")) + ")"
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        var o = other
        if case .object(let n as NamedTupleObject) = other { o = .tuple(n.values) }
        switch o {
        case .tuple: return try interp.binary(op, reflected ? o : .tuple(values), reflected ? .tuple(values) : o)
        default: return nil
        }
    }
    func hashInto(_ hasher: inout Hasher) {
        for v in values { HashKey.hashValue(v, into: &hasher) }
    }
    func hashEquals(_ other: any ScriptObject) -> Bool {
        guard let o = other as? NamedTupleObject else { return false }
        return HashKey.keyEquals(.tuple(values), .tuple(o.values))
    }
}

/// `collections.deque`.
final class DequeObject: ScriptObject {
    var items: [Value]
    let maxlen: Int?
    init(_ items: [Value], maxlen: Int?) {
        self.maxlen = maxlen
        self.items = []
        for v in items { append(v) }
    }
    var typeName: String { "deque" }
    func append(_ v: Value) {
        items.append(v)
        if let maxlen, items.count > maxlen { items.removeFirst(items.count - maxlen) }
    }
    func appendLeft(_ v: Value) {
        items.insert(v, at: 0)
        if let maxlen, items.count > maxlen { items.removeLast(items.count - maxlen) }
    }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        let method: ((Arguments, Interpreter) throws -> Value)?
        switch name {
        case "maxlen": return maxlen.map { .int($0) } ?? Value.none
        case "append": method = { [unowned self] a, _ in self.append(a.positional.first ?? Value.none); return Value.none }
        case "appendleft": method = { [unowned self] a, _ in self.appendLeft(a.positional.first ?? Value.none); return Value.none }
        case "pop": method = { [unowned self] _, _ in
            guard let v = self.items.popLast() else { throw ScriptError.indexError("pop from an empty deque") }
            return v
        }
        case "popleft": method = { [unowned self] _, _ in
            guard !self.items.isEmpty else { throw ScriptError.indexError("pop from an empty deque") }
            return self.items.removeFirst()
        }
        case "extend": method = { [unowned self] a, i in
            for v in try i.iterate(a.positional.first ?? .tuple([])) { self.append(v) }
            return Value.none
        }
        case "extendleft": method = { [unowned self] a, i in
            for v in try i.iterate(a.positional.first ?? .tuple([])) { self.appendLeft(v) }
            return Value.none
        }
        case "rotate": method = { [unowned self] a, _ in
            guard !self.items.isEmpty else { return Value.none }
            let n = floorModulo(a.positional.first?.intLike ?? 1, self.items.count)
            self.items = Array(self.items[(self.items.count - n)...] + self.items[..<(self.items.count - n)])
            return Value.none
        }
        case "clear": method = { [unowned self] _, _ in self.items.removeAll(); return Value.none }
        case "reverse": method = { [unowned self] _, _ in self.items.reverse(); return Value.none }
        case "copy": method = { [unowned self] _, _ in .object(DequeObject(self.items, maxlen: self.maxlen)) }
        case "count", "index", "remove":
            method = { [unowned self] a, i in
                let l = ListObject(self.items)
                let r = try i.callBuiltinMethod(.list(l), name, a) ?? Value.none
                self.items = l.items
                return r
            }
        default: method = nil
        }
        return method.map { .object(BuiltinFunction(name, $0)) }
    }
    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        if case .object(is SliceObject) = index.key { throw ScriptError.typeError("sequence index must be integer, not 'slice'") }
        return items[try interp.sequenceIndex(index.key, count: items.count, kind: "deque")]
    }
    func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws {
        items[try interp.sequenceIndex(index.key, count: items.count, kind: "deque")] = value
    }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(items) }
    func length(in interp: Interpreter) throws -> Int? { items.count }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? { try interp.contains(.list(ListObject(items)), value) }
    func repr(in interp: Interpreter) throws -> String {
        let body = try interp.repr(.list(ListObject(items)))
        return maxlen.map { "deque(\(body), maxlen=\($0))" } ?? "deque(\(body))"
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        guard op == .equal, case .object(let o as DequeObject) = other else { return nil }
        return .bool(try interp.equals(.list(ListObject(items)), .list(ListObject(o.items))))
    }
}

extension Interpreter {
    func makeCollectionsModule() -> ModuleObject {
        let m = ModuleObject("collections", doc: "Container datatypes.")
        m.define("Counter") { args, i in
            let c = DictLikeObject(.counter)
            try c.count(args, i, sign: 1)
            return .object(c)
        }
        m.define("defaultdict") { args, i in
            let factory = args.positional.first ?? Value.none
            let d = DictLikeObject(.defaultDict(factory))
            if args.positional.count > 1 || !args.keywords.isEmpty {
                var rest = args
                if !rest.positional.isEmpty { rest.positional.removeFirst() }
                _ = try i.callBuiltinMethod(.dict(d.storage), "update", rest)
            }
            return .object(d)
        }
        m.define("OrderedDict") { args, i in
            let d = DictLikeObject(.ordered)
            _ = try i.callBuiltinMethod(.dict(d.storage), "update", args)
            return .object(d)
        }
        m.define("namedtuple", [Parameter("typename"), Parameter("field_names"), Parameter("rename", default: .bool(false)),
                                Parameter("defaults", default: Value.none), Parameter("module", default: Value.none)]) { a, i in
            guard case .str(let name) = a[0] else { throw ScriptError.typeError("namedtuple() typename must be str") }
            var fields: [String]
            if case .str(let s) = a[1] {
                fields = s.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            } else {
                fields = try i.iterate(a[1]).map { try i.str($0) }
            }
            fields = fields.filter { !$0.isEmpty }
            let defaults = a[3].isNone ? [] : try i.iterate(a[3])
            return .object(NamedTupleClass(name: name, fields: fields, defaults: defaults))
        }
        m.define("deque", [Parameter("iterable", default: .tuple([])), Parameter("maxlen", default: Value.none)]) { a, i in
            .object(DequeObject(try i.iterate(a[0]), maxlen: a[1].intLike))
        }
        return m
    }
}
