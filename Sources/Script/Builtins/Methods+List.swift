// MARK: - Methods of list, tuple and dict

extension Interpreter {
    static let listMethods: Set<String> = [
        "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear", "copy",
    ]
    static let tupleMethods: Set<String> = ["index", "count"]
    static let dictMethods: Set<String> = [
        "get", "keys", "values", "items", "pop", "popitem", "setdefault", "update", "clear", "copy", "fromkeys",
    ]
    static let intMethods: Set<String> = ["bit_length", "to_bytes", "conjugate", "is_integer"]
    static let floatMethods: Set<String> = ["is_integer", "hex", "conjugate", "as_integer_ratio"]

    static let builtinMethodNames: [String: Set<String>] = [
        "list": listMethods, "tuple": tupleMethods, "dict": dictMethods, "str": strMethods, "int": intMethods, "float": floatMethods,
    ]

    func hasBuiltinMethod(_ v: Value, _ name: String) -> Bool {
        switch v {
        case .list: return Interpreter.listMethods.contains(name)
        case .tuple: return Interpreter.tupleMethods.contains(name)
        case .dict: return Interpreter.dictMethods.contains(name)
        case .str: return Interpreter.strMethods.contains(name)
        case .int, .bool: return Interpreter.intMethods.contains(name)
        case .float: return Interpreter.floatMethods.contains(name)
        default: return false
        }
    }

    /// Calls a method of a built-in value; nil when the type has no such method.
    func callBuiltinMethod(_ v: Value, _ name: String, _ args: Arguments) throws -> Value? {
        switch v {
        case .list(let l): return try listMethod(l, name, args)
        case .dict(let d): return try dictMethod(d, name, args)
        case .str(let s): return try strMethod(s, name, args)
        case .tuple(let t):
            switch name {
            case "index": return try sequenceIndexOf(t, args, "tuple")
            case "count":
                try args.expectPositional("count", min: 1)
                return .int(try t.filter { try equals($0, args.positional[0]) }.count)
            default: return nil
            }
        case .int(let i):
            switch name {
            case "bit_length":
                try args.expectPositional("bit_length", min: 0)
                return .int(Int.bitWidth - i.magnitude.leadingZeroBitCount)
            case "conjugate": return v
            case "is_integer": return .bool(true)
            default: return nil
            }
        case .float(let d):
            switch name {
            case "is_integer": return .bool(d.isFinite && d == d.rounded())
            case "conjugate": return v
            default: return nil
            }
        default: return nil
        }
    }

    private func sequenceIndexOf(_ items: [Value], _ args: Arguments, _ kind: String) throws -> Value {
        try args.expectPositional("index", min: 1, max: 3)
        var start = args.positional.count > 1 ? args.positional[1].intLike ?? 0 : 0
        var stop = args.positional.count > 2 ? args.positional[2].intLike ?? items.count : items.count
        if start < 0 { start = max(0, start + items.count) }
        if stop < 0 { stop = max(0, stop + items.count) }
        stop = min(stop, items.count)
        if start < stop {
            for k in start..<stop where try equals(items[k], args.positional[0]) { return .int(k) }
        }
        if kind == "list" { throw ScriptError.valueError("\(try repr(args.positional[0])) is not in list") }
        throw ScriptError.valueError("tuple.index(x): x not in tuple")
    }

    private func listMethod(_ l: ListObject, _ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "append":
            if args.positional.count == 1 && args.keywords.isEmpty {
                l.items.append(args.positional[0])
                return Value.none
            }
            try args.expectPositional("list.append", min: 1)
            return Value.none
        case "extend":
            try args.expectPositional("list.extend", min: 1)
            l.items.append(contentsOf: try iterate(args.positional[0]))
            return Value.none
        case "insert":
            try args.expectPositional("insert", min: 2)
            guard var k = args.positional[0].intLike else {
                throw ScriptError.typeError("'\(args.positional[0].typeName)' object cannot be interpreted as an integer")
            }
            if k < 0 { k = max(0, k + l.items.count) }
            l.items.insert(args.positional[1], at: min(k, l.items.count))
            return Value.none
        case "pop":
            try args.expectPositional("pop", min: 0, max: 1)
            if l.items.isEmpty { throw ScriptError.indexError("pop from empty list") }
            var k = args.positional.first?.intLike ?? -1
            if k < 0 { k += l.items.count }
            guard k >= 0 && k < l.items.count else { throw ScriptError.indexError("pop index out of range") }
            return l.items.remove(at: k)
        case "remove":
            try args.expectPositional("list.remove", min: 1)
            for (k, x) in l.items.enumerated() where try equals(x, args.positional[0]) {
                l.items.remove(at: k)
                return Value.none
            }
            throw ScriptError.valueError("list.remove(x): x not in list")
        case "index": return try sequenceIndexOf(l.items, args, "list")
        case "count":
            try args.expectPositional("count", min: 1)
            return .int(try l.items.filter { try equals($0, args.positional[0]) }.count)
        case "sort":
            if !args.positional.isEmpty { throw ScriptError.typeError("sort() takes no positional arguments") }
            l.items = try sortValues(l.items, key: args.keyword("key"), reverse: try truthy(args.keyword("reverse") ?? .bool(false)))
            return Value.none
        case "reverse":
            l.items.reverse()
            return Value.none
        case "clear":
            l.items.removeAll()
            return Value.none
        case "copy": return .list(ListObject(l.items))
        default: return nil
        }
    }

    /// A stable sort with an optional key function, as `sorted()` does.
    func sortValues(_ items: [Value], key: Value?, reverse: Bool) throws -> [Value] {
        let keys: [Value]
        if let key, !key.isNone { keys = try items.map { try call(key, Arguments([$0])) } } else { keys = items }
        var order = Array(0..<items.count)
        var failure: Error?
        // Merge sort for stability (Swift's sort is not guaranteed stable across versions).
        func less(_ a: Int, _ b: Int) -> Bool {
            if failure != nil { return false }
            do {
                return reverse ? try lessThan(keys[b], keys[a]) : try lessThan(keys[a], keys[b])
            } catch {
                failure = error
                return false
            }
        }
        order = mergeSort(order, by: less)
        if let failure { throw failure }
        return order.map { items[$0] }
    }

    private func dictMethod(_ d: DictObject, _ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "get":
            try args.expectPositional("get", min: 1, max: 2)
            return try d.get(args.positional[0]) ?? (args.positional.count > 1 ? args.positional[1] : Value.none)
        case "keys": return .object(DictViewObject(d, .keys))
        case "values": return .object(DictViewObject(d, .values))
        case "items": return .object(DictViewObject(d, .items))
        case "pop":
            try args.expectPositional("pop", min: 1, max: 2)
            if let v = try d.remove(args.positional[0]) { return v }
            if args.positional.count > 1 { return args.positional[1] }
            throw ScriptError.keyError(args.positional[0])
        case "popitem":
            guard let last = d.entries.last else { throw ScriptError.keyError(.str("popitem(): dictionary is empty")) }
            try d.remove(last.key)
            return .tuple([last.key, last.value])
        case "setdefault":
            try args.expectPositional("setdefault", min: 1, max: 2)
            if let v = try d.get(args.positional[0]) { return v }
            let v = args.positional.count > 1 ? args.positional[1] : Value.none
            try d.set(args.positional[0], v)
            return v
        case "update":
            if let first = args.positional.first {
                if case .dict(let other) = first {
                    for (k, v) in other.entries { try d.set(k, v) }
                } else if case .object = first, (try? getAttribute(first, "keys")) != nil {
                    for (k, v) in try mappingItems(first, context: "") { try d.set(k, v) }
                } else {
                    for pair in try iterate(first) {
                        let kv = try iterate(pair)
                        guard kv.count == 2 else {
                            throw ScriptError.valueError("dictionary update sequence element has length \(kv.count); 2 is required")
                        }
                        try d.set(kv[0], kv[1])
                    }
                }
            }
            for (k, v) in args.keywords { try d.set(.str(k), v) }
            return Value.none
        case "clear":
            d.removeAll()
            return Value.none
        case "copy": return .dict(d.copy())
        default: return nil
        }
    }
}

func mergeSort(_ a: [Int], by less: (Int, Int) -> Bool) -> [Int] {
    if a.count <= 1 { return a }
    if a.count <= 16 {
        var r = a
        for i in 1..<r.count {
            let x = r[i]
            var j = i - 1
            while j >= 0 && less(x, r[j]) {
                r[j + 1] = r[j]
                j -= 1
            }
            r[j + 1] = x
        }
        return r
    }
    let mid = a.count / 2
    let left = mergeSort(Array(a[..<mid]), by: less)
    let right = mergeSort(Array(a[mid...]), by: less)
    var out: [Int] = []
    out.reserveCapacity(a.count)
    var i = 0, j = 0
    while i < left.count && j < right.count {
        if less(right[j], left[i]) {
            out.append(right[j])
            j += 1
        } else {
            out.append(left[i])
            i += 1
        }
    }
    out.append(contentsOf: left[i...])
    out.append(contentsOf: right[j...])
    return out
}

/// `dict.keys()`, `.values()`, `.items()`: live views.
final class DictViewObject: ScriptObject {
    enum Kind { case keys, values, items }
    let dict: DictObject
    let kind: Kind
    init(_ dict: DictObject, _ kind: Kind) {
        self.dict = dict
        self.kind = kind
    }
    var typeName: String { kind == .keys ? "dict_keys" : kind == .values ? "dict_values" : "dict_items" }
    var items: [Value] {
        switch kind {
        case .keys: return dict.keyList
        case .values: return dict.valueList
        case .items: return dict.entries.map { .tuple([$0.key, $0.value]) }
        }
    }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(items) }
    func length(in interp: Interpreter) throws -> Int? { dict.count }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        if kind == .keys { return try dict.get(value) != nil }
        return try items.contains { try interp.equals($0, value) }
    }
    func repr(in interp: Interpreter) throws -> String {
        "\(typeName)(\(try interp.repr(.list(ListObject(items)))))"
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        guard kind != .values else { return nil }
        let mine = SetObject()
        for v in items { try mine.insert(v) }
        let theirs = SetObject()
        for v in try interp.iterate(other) { try theirs.insert(v) }
        return try interp.binary(op, .object(reflected ? theirs : mine), .object(reflected ? mine : theirs))
    }
}
