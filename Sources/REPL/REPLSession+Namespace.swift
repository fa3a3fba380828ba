// MARK: - Looking at the live namespace
//
// Completion and help inspect live objects without running user code: a dotted name such as
// `tok.pad_token` is resolved by reading a global (or builtin) and then attributes, never by
// evaluating calls or subscripts, so pressing Tab cannot start a model download or change state.

import Script

extension REPLSession {
    /// Python's builtin names this interpreter actually defines (found once, then cached).
    var builtinNames: [String] {
        if let cached = cachedBuiltinNames { return cached }
        let found = Self.pythonBuiltinNames.filter { builtinValue($0) != nil }
        cachedBuiltinNames = found
        return found
    }

    /// The value of a builtin, read by compiling the bare name (the interpreter's builtin table is
    /// internal; a name expression is the public way to reach it).
    func builtinValue(_ name: String) -> Value? {
        guard isIdentifier(name) else { return nil }
        guard let program = try? interpreter.compile(name, file: "<completion>", echo: true) else { return nil }
        return (try? interpreter.execute(program)) ?? nil
    }

    /// A global or builtin by name.
    func lookupName(_ name: String) -> Value? {
        if let value = interpreter.global(name) { return value }
        return builtinValue(name)
    }

    /// Resolves `a.b.c` through globals and attributes. Returns the value and, for an attribute,
    /// the object it was read from (so a method's signature can be found on the receiver's class).
    func resolveDotted(_ path: String) -> (value: Value, receiver: Value?)? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, parts.allSatisfy(isIdentifier), var value = lookupName(first) else { return nil }
        var receiver: Value?
        for part in parts.dropFirst() {
            guard let next = try? interpreter.getAttribute(value, part) else { return nil }
            receiver = value
            value = next
        }
        return (value, receiver)
    }

    /// The attribute and method names of a value, as `dir(value)` lists them.
    func attributeNames(of value: Value) -> [String] {
        var names: Set<String> = []
        if case .object(let o) = value { names.formUnion(o.attributeNames()) }
        if let dir = builtinValue("dir"), let listed = try? interpreter.call(dir, value), case .list(let l) = listed {
            for item in l.items { if case .str(let s) = item { names.insert(s) } }
        }
        return names.sorted()
    }

    /// The parameter names a callable accepts by keyword (for `name=` completion and help).
    func parameterNames(of value: Value, receiver: Value?, attribute: String?) -> [String]? {
        switch value {
        case .function(let f):
            return f.parameterNames
        case .object(let b as BuiltinFunction):
            return b.signature?.parameters.map(\.name)
        case .object(let c as ClassObject):
            guard let initializer = try? interpreter.getAttribute(.object(c), "__init__"), case .function(let f) = initializer else {
                return nil
            }
            return Array(f.parameterNames.dropFirst())
        default:
            // A method of a user class instance: the function lives on the class; drop `self`.
            if let receiver, let attribute, case .object(let instance as InstanceObject) = receiver,
                let method = try? interpreter.getAttribute(.object(instance.cls), attribute), case .function(let f) = method
            {
                return Array(f.parameterNames.dropFirst())
            }
            return nil
        }
    }

    func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Python 3's builtins; those this interpreter lacks are filtered out by ``builtinNames``.
    static let pythonBuiltinNames = [
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "classmethod", "dict", "dir",
        "divmod", "enumerate", "exit", "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash",
        "help", "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len", "list", "locals", "map", "max",
        "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr", "reversed",
        "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "EOFError", "Exception",
        "FileNotFoundError", "ImportError", "IndexError", "KeyError", "KeyboardInterrupt", "LookupError",
        "ModuleNotFoundError", "NameError", "NotImplementedError", "OSError", "OverflowError", "RecursionError",
        "RuntimeError", "StopIteration", "SystemExit", "TypeError", "ValueError", "ZeroDivisionError",
        "NotImplemented", "Ellipsis",
    ]

    /// Python's keywords (offered by completion of bare names).
    static let keywords = [
        "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Modules `import` completion offers when the interpreter can import them.
    static let knownModules = [
        "collections", "itertools", "json", "math", "os", "os.path", "random", "sys", "time",
        "torch", "torch.nn", "torch.nn.functional", "numpy", "transformers", "PIL", "PIL.Image", "datasets", "requests",
    ]
}
