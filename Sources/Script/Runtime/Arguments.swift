// MARK: - Call arguments and native signatures
//
// Native functions and methods declare a ``Signature`` (parameter names and defaults), and the
// interpreter binds positional and keyword arguments to it exactly as Python does, so library
// functions accept `f(x, top_k=5)` and `model(**inputs)` without parsing arguments themselves.

/// The arguments of one call: positional values and `name=value` pairs in call order.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(name: String, value: Value)]

    public init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    public var count: Int { positional.count + keywords.count }

    /// The keyword argument `name`, if given.
    public func keyword(_ name: String) -> Value? { keywords.first { $0.name == name }?.value }

    /// Throws unless there are no keyword arguments and between `min` and `max` positional ones.
    public func expectPositional(_ function: String, min: Int, max: Int? = nil) throws {
        if let first = keywords.first {
            throw ScriptError.typeError("\(function)() takes no keyword arguments (got '\(first.name)')")
        }
        let upper = max ?? min
        if positional.count < min || positional.count > upper {
            if min == upper {
                let noun = min == 1 ? "argument" : "arguments"
                throw ScriptError.typeError("\(function)() takes exactly \(min) \(noun) (\(positional.count) given)")
            }
            if positional.count < min {
                throw ScriptError.typeError("\(function) expected at least \(min) argument\(min == 1 ? "" : "s"), got \(positional.count)")
            }
            throw ScriptError.typeError("\(function) expected at most \(upper) argument\(upper == 1 ? "" : "s"), got \(positional.count)")
        }
    }
}

/// A parameter of a native function: a name and an optional default.
public struct Parameter {
    public var name: String
    public var defaultValue: Value?
    public init(_ name: String, default defaultValue: Value? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}

/// The signature of a native function.
public struct Signature {
    public var parameters: [Parameter]
    /// Name of a `*args` catch-all (extra positionals arrive as a tuple), if any.
    public var varPositional: String?
    /// Name of a `**kwargs` catch-all (extra keywords arrive as a dict), if any.
    public var varKeyword: String?

    public init(_ parameters: [Parameter], varPositional: String? = nil, varKeyword: String? = nil) {
        self.parameters = parameters
        self.varPositional = varPositional
        self.varKeyword = varKeyword
    }

    /// Binds arguments to parameters. The result has one value per parameter, then the `*args`
    /// tuple and the `**kwargs` dict when the signature declares them.
    public func bind(_ args: Arguments, function name: String) throws -> [Value] {
        var bound = [Value?](repeating: nil, count: parameters.count)
        var extra: [Value] = []
        for (i, v) in args.positional.enumerated() {
            if i < parameters.count { bound[i] = v } else if varPositional != nil { extra.append(v) } else {
                throw ScriptError.typeError(
                    "\(name)() takes \(parameters.count) positional argument\(parameters.count == 1 ? "" : "s") but \(args.positional.count) \(args.positional.count == 1 ? "was" : "were") given")
            }
        }
        let kwargs = DictObject()
        for (k, v) in args.keywords {
            if let i = parameters.firstIndex(where: { $0.name == k }) {
                if bound[i] != nil { throw ScriptError.typeError("\(name)() got multiple values for argument '\(k)'") }
                bound[i] = v
            } else if varKeyword != nil {
                kwargs.setUnchecked(.str(k), v)
            } else {
                throw ScriptError.typeError("\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        var result: [Value] = []
        result.reserveCapacity(parameters.count + 2)
        var missing: [String] = []
        for (i, p) in parameters.enumerated() {
            if let v = bound[i] { result.append(v) } else if let d = p.defaultValue { result.append(d) } else {
                missing.append(p.name)
                result.append(.none)
            }
        }
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
            throw ScriptError.typeError("\(name)() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(list)")
        }
        if varPositional != nil { result.append(.tuple(extra)) }
        if varKeyword != nil { result.append(.dict(kwargs)) }
        return result
    }
}

/// A function implemented in Swift (a builtin, a module function or a bound native method).
public final class BuiltinFunction: ScriptObject {
    public let name: String
    public let signature: Signature?
    public let doc: String
    let body: (Arguments, Interpreter) throws -> Value
    let boundBody: (([Value], Interpreter) throws -> Value)?

    /// A function that receives the raw arguments (it checks them itself).
    public init(_ name: String, doc: String = "", _ body: @escaping (Arguments, Interpreter) throws -> Value) {
        self.name = name
        self.signature = nil
        self.doc = doc
        self.body = body
        self.boundBody = nil
    }

    /// A function with named parameters and defaults; `body` receives one value per parameter
    /// (then `*args` and `**kwargs` when declared).
    public init(_ name: String, _ signature: Signature, doc: String = "", _ body: @escaping ([Value], Interpreter) throws -> Value) {
        self.name = name
        self.signature = signature
        self.doc = doc
        self.boundBody = body
        self.body = { _, _ in .none }
    }

    /// Shorthand: parameters by name (`"x"`, or `("k", default)` via ``Parameter``).
    public convenience init(_ name: String, parameters: [Parameter], doc: String = "", _ body: @escaping ([Value], Interpreter) throws -> Value) {
        self.init(name, Signature(parameters), doc: doc, body)
    }

    public var typeName: String { "builtin_function_or_method" }
    public func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        if let signature, let boundBody {
            return try boundBody(try signature.bind(args, function: name), interp)
        }
        return try body(args, interp)
    }
    public func repr(in interp: Interpreter) throws -> String { "<built-in function \(name)>" }
    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "__name__": return .str(self.name)
        case "__doc__": return .str(doc)
        default: return nil
        }
    }
}
