// MARK: - Built-in functions

extension Interpreter {
    func installBuiltins() {
        installTypes()
        installExceptions()
        func def(_ name: String, _ body: @escaping (Arguments, Interpreter) throws -> Value) {
            builtins[name] = .object(BuiltinFunction(name, doc: BuiltinDocs.functions[name] ?? "", body))
        }

        def("print") { args, i in
            var sep = " ", end = "\n"
            var toError = false
            for (k, v) in args.keywords {
                switch k {
                case "sep": if case .str(let s) = v { sep = s } else if !v.isNone { throw ScriptError.typeError("sep must be None or a string, not \(v.typeName)") }
                case "end": if case .str(let s) = v { end = s } else if !v.isNone { throw ScriptError.typeError("end must be None or a string, not \(v.typeName)") }
                case "file":
                    if case .object(let f as StreamObject) = v { toError = f.fd == 2 } else if !v.isNone {
                        if case .object(let f as FileObject) = v {
                            var text = ""
                            for (n, a) in args.positional.enumerated() {
                                if n > 0 { text += sep }
                                text += try i.str(a)
                            }
                            try f.write(text + end)
                            return Value.none
                        }
                    }
                case "flush": break
                default: throw ScriptError.typeError("'\(k)' is an invalid keyword argument for print()")
                }
            }
            var text = ""
            for (n, a) in args.positional.enumerated() {
                if n > 0 { text += sep }
                if case .str(let s) = a { text += s } else { text += try i.str(a) }
            }
            text += end
            if toError { i.writeError(text) } else { i.write(text) }
            return Value.none
        }
        def("len") { args, i in
            try args.expectPositional("len", min: 1)
            return .int(try i.length(args.positional[0]))
        }
        def("repr") { args, i in
            try args.expectPositional("repr", min: 1)
            return .str(try i.repr(args.positional[0]))
        }
        def("ascii") { args, i in
            try args.expectPositional("ascii", min: 1)
            return .str(asciiEscaped(try i.repr(args.positional[0])))
        }
        def("format") { args, i in
            try args.expectPositional("format", min: 1, max: 2)
            var spec = ""
            if args.positional.count > 1, case .str(let s) = args.positional[1] { spec = s }
            return .str(try i.formatValue(args.positional[0], spec))
        }
        def("abs") { args, i in
            try args.expectPositional("abs", min: 1)
            switch args.positional[0] {
            case .int(let n):
                if n == Int.min { throw ScriptError.overflow("integer overflow in abs(\(n)) (ints are 64-bit)") }
                return .int(abs(n))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(abs(d))
            case .object(let o):
                if let inst = o as? InstanceObject, let f = inst.cls.lookup("__abs__") { return try i.call(f, Arguments([args.positional[0]])) }
                if let m = try? i.getAttribute(args.positional[0], "abs") { return try i.call(m, Arguments()) }
            default: break
            }
            throw ScriptError.typeError("bad operand type for abs(): '\(args.positional[0].typeName)'")
        }
        def("round") { args, i in
            let sig = Signature([Parameter("number"), Parameter("ndigits", default: Value.none)])
            let a = try sig.bind(args, function: "round")
            return try i.round(a[0], a[1])
        }
        def("divmod") { args, i in
            try args.expectPositional("divmod", min: 2)
            return .tuple([try i.binary(.floorDivide, args.positional[0], args.positional[1]), try i.binary(.modulo, args.positional[0], args.positional[1])])
        }
        def("pow") { args, i in
            try args.expectPositional("pow", min: 2, max: 3)
            if args.positional.count == 3, let b = args.positional[0].intLike, let e = args.positional[1].intLike, let m = args.positional[2].intLike {
                if m == 0 { throw ScriptError.valueError("pow() 3rd argument cannot be 0") }
                var result = 1 % m, base = floorModulo(b, m), exp = e
                while exp > 0 {
                    if exp & 1 == 1 { result = Int((Int64(result).multipliedFullWidth(by: Int64(base)).low % UInt64(m.magnitude))) }
                    base = Int(Int64(base).multipliedFullWidth(by: Int64(base)).low % UInt64(m.magnitude))
                    exp >>= 1
                }
                return .int(floorModulo(result, m))
            }
            return try i.binary(.power, args.positional[0], args.positional[1])
        }
        def("min") { args, i in try i.extreme(args, "min", wantMax: false) }
        def("max") { args, i in try i.extreme(args, "max", wantMax: true) }
        def("sum") { args, i in
            let a = try Signature([Parameter("iterable"), Parameter("start", default: .int(0))]).bind(args, function: "sum")
            var total = a[1]
            if case .str = total { throw ScriptError.typeError("sum() can't sum strings [use ''.join(seq) instead]") }
            var intTotal: Int? = total.intLike
            try i.forEach(a[0]) { v in
                if let t = intTotal, case .int(let x) = v {
                    let (r, o) = t.addingReportingOverflow(x)
                    if !o { intTotal = r; return true }
                }
                if let t = intTotal { total = .int(t); intTotal = nil }
                total = try i.binary(.add, total, v)
                return true
            }
            if let t = intTotal { return .int(t) }
            return total
        }
        def("any") { args, i in
            try args.expectPositional("any", min: 1)
            var r = false
            try i.forEach(args.positional[0]) { v in
                if try i.truthy(v) { r = true; return false }
                return true
            }
            return .bool(r)
        }
        def("all") { args, i in
            try args.expectPositional("all", min: 1)
            var r = true
            try i.forEach(args.positional[0]) { v in
                if !(try i.truthy(v)) { r = false; return false }
                return true
            }
            return .bool(r)
        }
        def("sorted") { args, i in
            guard args.positional.count == 1 else {
                throw ScriptError.typeError("sorted expected 1 argument, got \(args.positional.count)")
            }
            let items = try i.iterate(args.positional[0])
            return .list(ListObject(try i.sortValues(items, key: args.keyword("key"), reverse: try i.truthy(args.keyword("reverse") ?? .bool(false)))))
        }
        def("reversed") { args, i in
            try args.expectPositional("reversed", min: 1)
            let v = args.positional[0]
            switch v {
            case .list, .tuple, .str, .object(is RangeObject):
                return .object(IteratorObject(ArrayIterator(try i.iterate(v).reversed()), name: "reversed"))
            case .object(let o):
                if let inst = o as? InstanceObject, let f = inst.cls.lookup("__reversed__") { return try i.call(f, Arguments([v])) }
                if let n = try o.length(in: i) {
                    var items: [Value] = []
                    for k in stride(from: n - 1, through: 0, by: -1) { items.append(try i.getItem(v, .int(k))) }
                    return .object(IteratorObject(ArrayIterator(items), name: "reversed"))
                }
            case .dict(let d): return .object(IteratorObject(ArrayIterator(d.keyList.reversed()), name: "reversed"))
            default: break
            }
            throw ScriptError.typeError("'\(v.typeName)' object is not reversible")
        }
        def("enumerate") { args, i in
            let a = try Signature([Parameter("iterable"), Parameter("start", default: .int(0))]).bind(args, function: "enumerate")
            var k = a[1].intLike ?? 0
            let it = try i.makeIterator(a[0])
            return .object(IteratorObject(ClosureIterator {
                guard let v = try it.next() else { return nil }
                defer { k += 1 }
                return .tuple([.int(k), v])
            }, name: "enumerate"))
        }
        def("zip") { args, i in
            let iterators = try args.positional.map { try i.makeIterator($0) }
            let strict = try i.truthy(args.keyword("strict") ?? .bool(false))
            return .object(IteratorObject(ClosureIterator {
                if iterators.isEmpty { return nil }
                var row: [Value] = []
                for (n, it) in iterators.enumerated() {
                    guard let v = try it.next() else {
                        if strict && n > 0 { throw ScriptError.valueError("zip() argument \(n + 1) is shorter than argument 1") }
                        return nil
                    }
                    row.append(v)
                }
                return .tuple(row)
            }, name: "zip"))
        }
        def("map") { args, i in
            guard args.positional.count >= 2 else { throw ScriptError.typeError("map() must have at least two arguments.") }
            let f = args.positional[0]
            let iterators = try args.positional.dropFirst().map { try i.makeIterator($0) }
            return .object(IteratorObject(ClosureIterator {
                var row: [Value] = []
                for it in iterators {
                    guard let v = try it.next() else { return nil }
                    row.append(v)
                }
                return try i.call(f, Arguments(row))
            }, name: "map"))
        }
        def("filter") { args, i in
            try args.expectPositional("filter", min: 2)
            let f = args.positional[0]
            let it = try i.makeIterator(args.positional[1])
            return .object(IteratorObject(ClosureIterator {
                while let v = try it.next() {
                    let keep = f.isNone ? try i.truthy(v) : try i.truthy(try i.call(f, Arguments([v])))
                    if keep { return v }
                }
                return nil
            }, name: "filter"))
        }
        def("iter") { args, i in
            try args.expectPositional("iter", min: 1)
            let it = try i.makeIterator(args.positional[0])
            if let obj = it as? IteratorObject { return .object(obj) }
            if let obj = it as? any ScriptObject { return .object(obj) }
            return .object(IteratorObject(it, name: "\(args.positional[0].typeName)_iterator"))
        }
        def("next") { args, i in
            try args.expectPositional("next", min: 1, max: 2)
            guard case .object(let o) = args.positional[0], let it = o as? ScriptIterator else {
                if case .object(let o as InstanceObject) = args.positional[0], let f = o.cls.lookup("__next__") {
                    return try i.call(f, Arguments([args.positional[0]]))
                }
                throw ScriptError.typeError("'\(args.positional[0].typeName)' object is not an iterator")
            }
            if let v = try it.next() { return v }
            if args.positional.count > 1 { return args.positional[1] }
            // A generator's `return value` travels in StopIteration.value (once).
            var result = Value.none
            if let g = it as? GeneratorObject {
                result = g.returnValue
                g.returnValue = .none
            }
            throw ScriptError(type: "StopIteration", args: result.isNone ? [] : [result])
        }
        def("isinstance") { args, i in
            try args.expectPositional("isinstance", min: 2)
            return .bool(try i.isInstance(args.positional[0], args.positional[1]))
        }
        def("issubclass") { args, _ in
            try args.expectPositional("issubclass", min: 2)
            guard case .object(let a as ClassObject) = args.positional[0] else {
                throw ScriptError.typeError("issubclass() arg 1 must be a class")
            }
            let targets: [Value]
            if case .tuple(let t) = args.positional[1] { targets = t } else { targets = [args.positional[1]] }
            for t in targets {
                if case .object(let b as ClassObject) = t, a.isSubclass(of: b) || b.name == "object" { return .bool(true) }
            }
            return .bool(false)
        }
        def("callable") { args, _ in
            try args.expectPositional("callable", min: 1)
            switch args.positional[0] {
            case .function: return .bool(true)
            case .object(let o):
                if o is BuiltinFunction || o is ClassObject || o is BoundMethodObject || o is BuiltinMethodObject { return .bool(true) }
                if let inst = o as? InstanceObject { return .bool(inst.cls.lookup("__call__") != nil) }
                return .bool(false)
            default: return .bool(false)
            }
        }
        def("hasattr") { args, i in
            try args.expectPositional("hasattr", min: 2)
            guard case .str(let name) = args.positional[1] else { throw ScriptError.typeError("attribute name must be string") }
            do {
                _ = try i.getAttribute(args.positional[0], name)
                return .bool(true)
            } catch let e as ScriptError where e.typeName == "AttributeError" {
                return .bool(false)
            }
        }
        def("getattr") { args, i in
            try args.expectPositional("getattr", min: 2, max: 3)
            guard case .str(let name) = args.positional[1] else { throw ScriptError.typeError("attribute name must be string") }
            do {
                return try i.getAttribute(args.positional[0], name)
            } catch let e as ScriptError where e.typeName == "AttributeError" && args.positional.count == 3 {
                return args.positional[2]
            }
        }
        def("setattr") { args, i in
            try args.expectPositional("setattr", min: 3)
            guard case .str(let name) = args.positional[1] else { throw ScriptError.typeError("attribute name must be string") }
            try i.setAttribute(args.positional[0], name, args.positional[2])
            return Value.none
        }
        def("delattr") { args, _ in
            try args.expectPositional("delattr", min: 2)
            guard case .object(let o as InstanceObject) = args.positional[0], case .str(let name) = args.positional[1],
                  o.attributes.removeValue(forKey: name) != nil else {
                throw ScriptError.attributeError("attribute not found")
            }
            return Value.none
        }
        def("id") { args, _ in
            try args.expectPositional("id", min: 1)
            switch args.positional[0] {
            case .object(let o): return .int(Int(bitPattern: UInt(bitPattern: ObjectIdentifier(o).hashValue)))
            case .list(let o): return .int(ObjectIdentifier(o).hashValue)
            case .dict(let o): return .int(ObjectIdentifier(o).hashValue)
            case .function(let o): return .int(ObjectIdentifier(o).hashValue)
            default:
                var h = Hasher()
                HashKey.hashValue(args.positional[0], into: &h)
                return .int(h.finalize())
            }
        }
        def("hash") { args, _ in
            try args.expectPositional("hash", min: 1)
            let v = args.positional[0]
            if let n = v.intLike { return .int(n == -1 ? -2 : n) }
            if case .float(let d) = v, d == d.rounded(), abs(d) < 9.2e18 { return .int(Int(d) == -1 ? -2 : Int(d)) }
            return .int(try keyHash(v))
        }
        def("chr") { args, _ in
            try args.expectPositional("chr", min: 1)
            guard let n = args.positional[0].intLike else {
                throw ScriptError.typeError("'\(args.positional[0].typeName)' object cannot be interpreted as an integer")
            }
            guard n >= 0, n < 0x110000, let s = Unicode.Scalar(UInt32(n)) else { throw ScriptError.valueError("chr() arg not in range(0x110000)") }
            return .str(String(s))
        }
        def("ord") { args, _ in
            try args.expectPositional("ord", min: 1)
            guard case .str(let s) = args.positional[0] else {
                throw ScriptError.typeError("ord() expected string of length 1, but \(args.positional[0].typeName) found")
            }
            guard s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
                throw ScriptError.typeError("ord() expected a character, but string of length \(s.unicodeScalars.count) found")
            }
            return .int(Int(c.value))
        }
        for (name, radix, prefix) in [("hex", 16, "0x"), ("oct", 8, "0o"), ("bin", 2, "0b")] {
            def(name) { args, _ in
                try args.expectPositional(name, min: 1)
                guard let n = args.positional[0].intLike else {
                    throw ScriptError.typeError("'\(args.positional[0].typeName)' object cannot be interpreted as an integer")
                }
                return .str((n < 0 ? "-" : "") + prefix + String(n.magnitude, radix: radix))
            }
        }
        def("input") { args, i in
            if let prompt = args.positional.first { i.write(try i.str(prompt)) }
            i.flush()
            guard let line = i.readLine() else { throw ScriptError(type: "EOFError", "EOF when reading a line") }
            return .str(line)
        }
        def("open") { args, i in
            let a = try Signature([Parameter("file"), Parameter("mode", default: .str("r")), Parameter("buffering", default: .int(-1)),
                                   Parameter("encoding", default: Value.none), Parameter("errors", default: Value.none), Parameter("newline", default: Value.none)])
                .bind(args, function: "open")
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("expected str, bytes or os.PathLike object, not \(a[0].typeName)") }
            guard case .str(let mode) = a[1] else { throw ScriptError.typeError("open() argument 'mode' must be str") }
            return .object(try FileObject(path: path, mode: mode))
        }
        def("dir") { args, i in
            if let v = args.positional.first {
                var names: [String]
                switch v {
                case .object(let o): names = o.attributeNames()
                case .list: names = Array(Interpreter.listMethods)
                case .dict: names = Array(Interpreter.dictMethods)
                case .str: names = Array(Interpreter.strMethods)
                case .tuple: names = Array(Interpreter.tupleMethods)
                default: names = []
                }
                return .list(ListObject(Array(Set(names)).sorted().map { .str($0) }))
            }
            return .list(ListObject(i.globalNames.sorted().map { .str($0) }))
        }
        def("globals") { _, i in
            let d = DictObject()
            for name in i.globalNames { if let v = i.global(name) { d.setUnchecked(.str(name), v) } }
            return .dict(d)
        }
        def("vars") { args, i in
            if let v = args.positional.first { return try i.getAttribute(v, "__dict__") }
            return try i.call(i.builtins["globals"] ?? Value.none, Arguments())
        }
        def("help") { args, i in
            guard let v = args.positional.first else {
                i.write("Type help(object) for help about object.\n")
                return Value.none
            }
            i.write(try i.helpText(v) + "\n")
            return Value.none
        }
        def("super") { args, i in
            if args.positional.count == 2, case .object(let c as ClassObject) = args.positional[0] {
                return .object(SuperObject(cls: c, instance: args.positional[1]))
            }
            guard let f = i.currentFunction, let cls = f.definingClass, f.code.parameters.count > 0 else {
                throw ScriptError.runtimeError("super(): no arguments")
            }
            return .object(SuperObject(cls: cls, instance: i.stack[i.base]))
        }
        def("staticmethod") { args, _ in .object(StaticMethodObject(args.positional.first ?? Value.none)) }
        def("property") { args, _ in .object(PropertyObject(getter: args.positional.first ?? Value.none)) }
        def("exit") { args, _ in throw ScriptError(type: "SystemExit", args: Array(args.positional.prefix(1))) }
        builtins["quit"] = builtins["exit"]
        builtins["NotImplemented"] = .object(NotImplementedObject.shared)
        builtins["Ellipsis"] = .object(EllipsisObject.shared)
        builtins["__name__"] = .str("__main__")
    }

    public func length(_ v: Value) throws -> Int {
        switch v {
        case .str(let s): return scalarCount(s)
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .dict(let d): return d.count
        case .object(let o):
            if let s = o as? SetObject { return s.storage.count }
            if let n = try o.length(in: self) { return n }
        default: break
        }
        throw ScriptError.typeError("object of type '\(v.typeName)' has no len()")
    }

    func round(_ v: Value, _ digits: Value) throws -> Value {
        switch v {
        case .int, .bool:
            let n = v.intLike ?? 0
            guard let d = digits.intLike, d < 0 else { return .int(n) }
            let p = try intPower(10, -d)
            let q = floorDivide(n, p), r = n - q * p
            let twice = 2 * r
            var result = q
            if twice > p || (twice == p && q % 2 != 0) { result += 1 }
            return .int(result * p)
        case .float(let x):
            guard let d = digits.intLike else {
                if x.isNaN { throw ScriptError.valueError("cannot convert float NaN to integer") }
                if x.isInfinite { throw ScriptError.overflow("cannot convert float infinity to integer") }
                return .int(try toInt(.float(x.rounded(.toNearestOrEven))))
            }
            if !x.isFinite { return .float(x) }
            if d > 300 { return .float(x) }
            // Round the exact decimal expansion (what CPython does): format with d digits.
            if d >= 0 {
                let text = cFormat(x, "f", precision: d)
                return .float(Double(text) ?? x)
            }
            let p = pow10(-d)
            return .float((x / p).rounded(.toNearestOrEven) * p)
        case .object(let o):
            if let inst = o as? InstanceObject, let f = inst.cls.lookup("__round__") {
                return try call(f, Arguments(digits.isNone ? [v] : [v, digits]))
            }
            if let m = try? getAttribute(v, "round") { return try call(m, Arguments(digits.isNone ? [] : [digits])) }
        default: break
        }
        throw ScriptError.typeError("type \(v.typeName) doesn't define __round__ method")
    }

    private func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }

    func extreme(_ args: Arguments, _ name: String, wantMax: Bool) throws -> Value {
        let key = args.keyword("key")
        let defaultValue = args.keyword("default")
        for (k, _) in args.keywords where k != "key" && k != "default" {
            throw ScriptError.typeError("\(name)() got an unexpected keyword argument '\(k)'")
        }
        let items: [Value]
        if args.positional.count == 1 {
            items = try iterate(args.positional[0])
        } else if args.positional.isEmpty {
            throw ScriptError.typeError("\(name) expected at least 1 argument, got 0")
        } else {
            items = args.positional
        }
        guard var best = items.first else {
            if let defaultValue { return defaultValue }
            throw ScriptError.valueError("\(name)() arg is an empty sequence")
        }
        var bestKey = key.map { k in try? call(k, Arguments([best])) } ?? best
        if let key, !key.isNone { bestKey = try call(key, Arguments([best])) } else { bestKey = best }
        for v in items.dropFirst() {
            let k = (key != nil && !(key?.isNone ?? true)) ? try call(key ?? Value.none, Arguments([v])) : v
            if wantMax ? try lessThan(bestKey ?? best, k) : try lessThan(k, bestKey ?? best) {
                best = v
                bestKey = k
            }
        }
        return best
    }

    func helpText(_ v: Value) throws -> String {
        switch v {
        case .function(let f):
            let params = f.code.parameters.enumerated().map { k, p in
                f.defaults[k].map { "\(p.name)=\((try? repr($0)) ?? "?")" } ?? p.name
            }
            var text = "\(f.code.name)(\(params.joined(separator: ", ")))"
            if let doc = f.code.docstring { text += "\n    " + doc }
            return text
        case .object(let b as BuiltinFunction):
            var text = b.name + "(" + (b.signature?.parameters.map { p in p.defaultValue.map { "\(p.name)=\((try? repr($0)) ?? "?")" } ?? p.name }.joined(separator: ", ") ?? "...") + ")"
            if !b.doc.isEmpty { text += "\n    " + b.doc }
            return text
        case .object(let m as ModuleObject):
            return "module \(m.name)\n" + (m.doc.isEmpty ? "" : m.doc + "\n") + "names: " + m.attributeNames().joined(separator: ", ")
        default:
            return "\(v.typeName): " + (try repr(v))
        }
    }
}

/// An iterator from a closure.
public final class ClosureIterator: ScriptIterator {
    let body: () throws -> Value?
    public init(_ body: @escaping () throws -> Value?) { self.body = body }
    public func next() throws -> Value? { try body() }
}

/// `property(getter)` in a class body.
final class PropertyObject: ScriptObject {
    let getter: Value
    init(getter: Value) { self.getter = getter }
    var typeName: String { "property" }
}

/// The number of code points of a string (Python's `len`): the UTF-8 bytes that do not continue a
/// sequence. A tight byte loop the compiler vectorizes — `unicodeScalars.count` walks scalar by
/// scalar at ~20× the cost, which showed on `len()` of a multi-megabyte string.
func scalarCount(_ s: String) -> Int {
    var s = s
    return s.withUTF8 { bytes in
        var continuation = 0
        for b in bytes where b & 0xC0 == 0x80 { continuation += 1 }
        return bytes.count - continuation
    }
}
