// Jinja's built-in tests (`x is defined`, `x is string`, `n is divisibleby 3` …), with Python's type rules:
// bools are numbers but not integers, Undefined counts as iterable and as a sequence.

extension Interpreter {
    func applyTest(_ name: String, to value: JinjaValue, _ args: [JinjaValue]) throws -> Bool {
        func argument() throws -> JinjaValue {
            guard let first = args.first else { throw JinjaError(.type, "test '\(name)' needs an argument") }
            return first
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double, .bool: return true
            default: return false
            }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "mapping": if case .object = value { return true } else { return false }
        case "iterable", "sequence":
            switch value {
            case .string, .array, .tuple, .object, .undefined: return true
            case .namespace: return name == "iterable" ? false : false
            default: return false
            }
        case "callable": if case .function = value { return true } else { return false }
        case "odd", "even":
            guard let i = value.asInt else { throw JinjaError(.type, "test '\(name)' needs an integer, got \(value.typeName)") }
            return (i % 2 != 0) == (name == "odd")
        case "divisibleby":
            guard let i = value.asInt, let n = try argument().asInt, n != 0 else {
                throw JinjaError(.type, "divisibleby needs a non-zero integer argument")
            }
            return i % n == 0
        case "eq", "equalto", "==": return value.pythonEquals(try argument())
        case "ne", "!=": return !value.pythonEquals(try argument())
        case "lt", "lessthan", "<": return try compare(.less, value, try argument())
        case "le", "<=": return try compare(.lessEqual, value, try argument())
        case "gt", "greaterthan", ">": return try compare(.greater, value, try argument())
        case "ge", ">=": return try compare(.greaterEqual, value, try argument())
        case "in": return try contains(try argument(), value)
        case "sameas":
            let other = try argument()
            switch (value, other) {
            case (.none, .none), (.undefined, .undefined): return true
            case (.bool(let a), .bool(let b)): return a == b
            default: return false
            }
        case "lower":
            let s = value.pythonString
            return s.contains(where: \.isCased) && s == s.lowercased()
        case "upper":
            let s = value.pythonString
            return s.contains(where: \.isCased) && s == s.uppercased()
        case "escaped": return false
        case "filter":
            guard case .string(let filterName) = try argument() else { return false }
            return Interpreter.filterNames.contains(filterName)
        case "test":
            guard case .string(let testName) = try argument() else { return false }
            return Interpreter.testNames.contains(testName)
        default:
            throw JinjaError(.runtime, "no test named '\(name)'")
        }
    }

    static let testNames: Set<String> = [
        "defined", "undefined", "none", "boolean", "true", "false", "string", "number", "integer", "float", "mapping",
        "iterable", "sequence", "callable", "odd", "even", "divisibleby", "eq", "equalto", "==", "ne", "!=", "lt",
        "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "lower", "upper",
        "escaped", "filter", "test",
    ]

    static let filterNames: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "length", "d", "default", "dictsort", "e", "escape",
        "forceescape", "first", "last", "float", "int", "format", "indent", "items", "join", "list", "lower", "upper",
        "map", "max", "min", "pprint", "reject", "select", "rejectattr", "selectattr", "replace", "reverse", "round",
        "safe", "string", "sort", "sum", "title", "tojson", "trim", "truncate", "unique", "wordcount", "striptags",
    ]
}
