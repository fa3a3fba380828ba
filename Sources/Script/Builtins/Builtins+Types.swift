// MARK: - Built-in types and exception classes

extension Interpreter {
    /// The class object of a value (`type(x)`).
    public func typeObject(of v: Value) -> Value {
        if case .object(let o) = v {
            if let i = o as? InstanceObject { return .object(i.cls) }
            if o is ClassObject { return builtins["type"] ?? Value.none }
        }
        let name = v.typeName
        if let t = builtinTypes[name] { return .object(t) }
        let cls = ClassObject(name: name, bases: [objectClass])
        cls.instanceCheck = { $0.typeName == name }
        builtinTypes[name] = cls
        return .object(cls)
    }

    func isInstance(_ v: Value, _ cls: Value) throws -> Bool {
        switch cls {
        case .object(let c as ClassObject):
            if c === objectClass { return true }
            if let check = c.instanceCheck { return check(v) }
            if case .object(let o as InstanceObject) = v { return o.cls.isSubclass(of: c) }
            return false
        case .tuple(let items):
            for c in items where try isInstance(v, c) { return true }
            return false
        default:
            throw ScriptError.typeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
        }
    }

    private func makeType(_ name: String, check: @escaping (Value) -> Bool, _ constructor: @escaping (Arguments, Interpreter) throws -> Value) -> ClassObject {
        let c = ClassObject(name: name, bases: [objectClass])
        c.instanceCheck = check
        c.constructor = constructor
        builtinTypes[name] = c
        builtins[name] = .object(c)
        return c
    }

    // MARK: Conversions

    public func toInt(_ v: Value, base: Int? = nil) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d):
            if d.isNaN { throw ScriptError.valueError("cannot convert float NaN to integer") }
            if d.isInfinite { throw ScriptError.overflow("cannot convert float infinity to integer") }
            guard d > -9.3e18 && d < 9.3e18, let i = Int(exactly: d.rounded(.towardZero)) else {
                throw ScriptError.overflow("int too large to convert (ints are 64-bit): \(pythonFloatRepr(d))")
            }
            return i
        case .str(let s):
            let text = String(s.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
            var negative = false
            var body = Substring(text)
            if body.first == "-" || body.first == "+" {
                negative = body.first == "-"
                body = body.dropFirst()
            }
            var radix = base ?? 10
            let lower = body.lowercased()
            if (radix == 16 || radix == 0) && lower.hasPrefix("0x") { body = body.dropFirst(2); radix = 16 }
            else if (radix == 8 || radix == 0) && lower.hasPrefix("0o") { body = body.dropFirst(2); radix = 8 }
            else if (radix == 2 || radix == 0) && lower.hasPrefix("0b") { body = body.dropFirst(2); radix = 2 }
            if radix == 0 { radix = 10 }
            let digits = body.replacingOccurrencesOfUnderscore()
            let invalid = ScriptError.valueError("invalid literal for int() with base \(base ?? 10): \(pythonStringRepr(s))")
            guard !digits.isEmpty, !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__") else { throw invalid }
            guard let magnitude = UInt(digits, radix: radix) else {
                if digits.allSatisfy({ $0.isASCII && Int(String($0), radix: radix) != nil }) { throw ScriptError.overflow("int too large (ints are 64-bit): \(s)") }
                throw invalid
            }
            if negative {
                guard magnitude <= UInt(Int.max) + 1 else { throw ScriptError.overflow("int too large (ints are 64-bit): \(s)") }
                return magnitude == UInt(Int.max) + 1 ? Int.min : -Int(magnitude)
            }
            guard magnitude <= UInt(Int.max) else { throw ScriptError.overflow("int too large (ints are 64-bit): \(s)") }
            return Int(magnitude)
        case .object(let o):
            if let i = try o.intValue(in: self) { return i }
            if let inst = o as? InstanceObject, let f = inst.cls.lookup("__int__") {
                return try toInt(try call(f, Arguments([v])))
            }
        default: break
        }
        throw ScriptError.typeError("int() argument must be a string, a bytes-like object or a real number, not '\(v.typeName)'")
    }

    public func toFloat(_ v: Value) throws -> Double {
        switch v {
        case .float(let d): return d
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .str(let s):
            let t = String(s.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
            let lower = t.lowercased()
            switch lower {
            case "inf", "+inf", "infinity", "+infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            case "nan", "+nan", "-nan": return .nan
            default: break
            }
            let cleaned = t.replacingOccurrencesOfUnderscore()
            if !t.isEmpty, !t.contains("__"), t.first != "_", t.last != "_",
               cleaned.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }),
               let d = Double(cleaned) {
                return d
            }
            throw ScriptError.valueError("could not convert string to float: \(pythonStringRepr(s))")
        case .object(let o):
            if let d = try o.floatValue(in: self) { return d }
            if let i = try o.intValue(in: self) { return Double(i) }
            if let inst = o as? InstanceObject, let f = inst.cls.lookup("__float__") {
                return try toFloat(try call(f, Arguments([v])))
            }
        default: break
        }
        throw ScriptError.typeError("float() argument must be a string or a real number, not '\(v.typeName)'")
    }

    // MARK: Installation

    func installTypes() {
        objectClass = ClassObject(name: "object", bases: [])
        objectClass.instanceCheck = { _ in true }
        objectClass.constructor = { _, _ in .object(InstanceObject(cls: ClassObject(name: "object", bases: []))) }
        builtins["object"] = .object(objectClass)
        builtinTypes["object"] = objectClass

        let intType = makeType("int", check: { if case .int = $0 { return true }; if case .bool = $0 { return true }; return false }) { args, i in
            if args.positional.isEmpty { return .int(0) }
            let base = args.keyword("base") ?? (args.positional.count > 1 ? args.positional[1] : nil)
            if let base {
                guard case .str = args.positional[0] else { throw ScriptError.typeError("int() can't convert non-string with explicit base") }
                return .int(try i.toInt(args.positional[0], base: base.intLike ?? 10))
            }
            return .int(try i.toInt(args.positional[0]))
        }
        _ = intType
        _ = makeType("float", check: { if case .float = $0 { return true }; return false }) { args, i in
            try args.expectPositional("float", min: 0, max: 1)
            return .float(args.positional.isEmpty ? 0 : try i.toFloat(args.positional[0]))
        }
        let boolType = makeType("bool", check: { if case .bool = $0 { return true }; return false }) { args, i in
            try args.expectPositional("bool", min: 0, max: 1)
            return .bool(args.positional.isEmpty ? false : try i.truthy(args.positional[0]))
        }
        boolType.bases = [intType]
        strType = makeType("str", check: { if case .str = $0 { return true }; return false }) { args, i in
            try args.expectPositional("str", min: 0, max: 3)
            return .str(args.positional.isEmpty ? "" : try i.str(args.positional[0]))
        }
        _ = makeType("list", check: { if case .list = $0 { return true }; return false }) { args, i in
            try args.expectPositional("list", min: 0, max: 1)
            return .list(ListObject(args.positional.isEmpty ? [] : try i.iterate(args.positional[0])))
        }
        _ = makeType("tuple", check: { if case .tuple = $0 { return true }; return false }) { args, i in
            try args.expectPositional("tuple", min: 0, max: 1)
            return .tuple(args.positional.isEmpty ? [] : try i.iterate(args.positional[0]))
        }
        _ = makeType("dict", check: { if case .dict = $0 { return true }; return false }) { args, i in
            let d = DictObject()
            _ = try i.callBuiltinMethod(.dict(d), "update", args)
            return .dict(d)
        }
        _ = makeType("set", check: { if case .object(let o as SetObject) = $0 { return !o.frozen }; return false }) { args, i in
            try args.expectPositional("set", min: 0, max: 1)
            let s = SetObject()
            if let first = args.positional.first { for v in try i.iterate(first) { try s.insert(v) } }
            return .object(s)
        }
        _ = makeType("frozenset", check: { if case .object(let o as SetObject) = $0 { return o.frozen }; return false }) { args, i in
            let s = SetObject(frozen: true)
            if let first = args.positional.first { for v in try i.iterate(first) { try s.insert(v) } }
            return .object(s)
        }
        _ = makeType("range", check: { if case .object(let o) = $0 { return o is RangeObject }; return false }) { args, i in
            try args.expectPositional("range", min: 1, max: 3)
            let ints = try args.positional.map { v -> Int in
                guard let n = v.intLike else {
                    throw ScriptError.typeError("'\(v.typeName)' object cannot be interpreted as an integer")
                }
                return n
            }
            switch ints.count {
            case 1: return .object(RangeObject(0, ints[0], 1))
            case 2: return .object(RangeObject(ints[0], ints[1], 1))
            default:
                if ints[2] == 0 { throw ScriptError.valueError("range() arg 3 must not be zero") }
                return .object(RangeObject(ints[0], ints[1], ints[2]))
            }
        }
        _ = makeType("type", check: { if case .object(let o) = $0 { return o is ClassObject }; return false }) { args, i in
            try args.expectPositional("type", min: 1)
            return i.typeObject(of: args.positional[0])
        }
        _ = makeType("slice", check: { if case .object(let o) = $0 { return o is SliceObject }; return false }) { args, _ in
            try args.expectPositional("slice", min: 1, max: 3)
            let p = args.positional
            if p.count == 1 { return .object(SliceObject(start: .none, stop: p[0], step: .none)) }
            return .object(SliceObject(start: p[0], stop: p[1], step: p.count > 2 ? p[2] : Value.none))
        }
        _ = makeType("NoneType", check: { $0.isNone }) { _, _ in .none }
        _ = makeType("function", check: { if case .function = $0 { return true }; return false }) { _, _ in
            throw ScriptError.typeError("cannot create 'function' instances")
        }
        builtins.removeValue(forKey: "NoneType")
        builtins.removeValue(forKey: "function")
    }

    func installExceptions() {
        func define(_ name: String, _ parent: String?) {
            let bases = parent.flatMap { exceptionClasses[$0] }.map { [$0] } ?? [objectClass]
            let c = ClassObject(name: name, bases: bases)
            c.isBuiltinException = true
            exceptionClasses[name] = c
            builtins[name] = .object(c)
        }
        define("BaseException", nil)
        let base = exceptionClasses["BaseException"]
        base?.attributes["__init__"] = .object(BuiltinFunction("__init__") { args, _ in
            if case .object(let o as InstanceObject)? = args.positional.first { o.args = Array(args.positional.dropFirst()) }
            return Value.none
        })
        base?.attributes["with_traceback"] = .object(BuiltinFunction("with_traceback") { args, _ in args.positional.first ?? Value.none })
        let tree: [(String, String)] = [
            ("SystemExit", "BaseException"), ("KeyboardInterrupt", "BaseException"), ("GeneratorExit", "BaseException"),
            ("Exception", "BaseException"), ("StopIteration", "Exception"), ("ArithmeticError", "Exception"),
            ("ZeroDivisionError", "ArithmeticError"), ("OverflowError", "ArithmeticError"),
            ("FloatingPointError", "ArithmeticError"), ("AssertionError", "Exception"),
            ("AttributeError", "Exception"), ("BufferError", "Exception"), ("EOFError", "Exception"),
            ("ImportError", "Exception"), ("ModuleNotFoundError", "ImportError"), ("LookupError", "Exception"),
            ("IndexError", "LookupError"), ("KeyError", "LookupError"), ("MemoryError", "Exception"),
            ("NameError", "Exception"), ("UnboundLocalError", "NameError"), ("OSError", "Exception"),
            ("FileNotFoundError", "OSError"), ("FileExistsError", "OSError"), ("PermissionError", "OSError"),
            ("IsADirectoryError", "OSError"), ("NotADirectoryError", "OSError"), ("TimeoutError", "OSError"),
            ("RuntimeError", "Exception"), ("RecursionError", "RuntimeError"),
            ("NotImplementedError", "RuntimeError"), ("SyntaxError", "Exception"),
            ("IndentationError", "SyntaxError"), ("SystemError", "Exception"), ("TypeError", "Exception"),
            ("ValueError", "Exception"), ("UnicodeError", "ValueError"), ("JSONDecodeError", "ValueError"), ("UnicodeDecodeError", "UnicodeError"),
            ("UnicodeEncodeError", "UnicodeError"), ("Warning", "Exception"), ("UserWarning", "Warning"),
            ("DeprecationWarning", "Warning"), ("FutureWarning", "Warning"), ("RuntimeWarning", "Warning"),
        ]
        for (name, parent) in tree { define(name, parent) }
        builtins["IOError"] = builtins["OSError"]
        builtins["EnvironmentError"] = builtins["OSError"]
    }
}

extension Substring {
    func replacingOccurrencesOfUnderscore() -> String { String(filter { $0 != "_" }) }
}
extension String {
    func replacingOccurrencesOfUnderscore() -> String { String(filter { $0 != "_" }) }
}
