// Runs a parsed template against a context. Scoping follows Jinja: `{% set %}` writes the innermost
// scope; each `for` iteration gets a fresh scope (so assignments inside a loop do not leak, which is why
// templates use `namespace()`); macros see the template's top-level variables at call time.

/// A chain of variable frames.
final class Scope {
    var variables: [String: JinjaValue]
    let parent: Scope?

    init(_ variables: [String: JinjaValue] = [:], parent: Scope?) {
        self.variables = variables
        self.parent = parent
    }

    func lookup(_ name: String) -> JinjaValue? {
        var scope: Scope? = self
        while let s = scope {
            if let value = s.variables[name] { return value }
            scope = s.parent
        }
        return nil
    }

    /// The frame that defines `name`, for `{% set ns.attr %}` which mutates the namespace where it lives.
    func owner(of name: String) -> Scope? {
        var scope: Scope? = self
        while let s = scope {
            if s.variables[name] != nil { return s }
            scope = s.parent
        }
        return nil
    }

    /// All visible variables, innermost first wins (what a `{% call %}` body closes over).
    func flattened() -> [String: JinjaValue] {
        var result = parent?.flattened() ?? [:]
        for (key, value) in variables { result[key] = value }
        return result
    }
}

final class Interpreter {
    enum Flow { case normal, breakLoop, continueLoop }

    let root: Scope
    private var callDepth = 0
    private static let maximumCallDepth = 400

    init(context: [String: JinjaValue]) {
        let builtins = Scope(Interpreter.globals, parent: nil)
        root = Scope(context, parent: builtins)
    }

    func render(_ statements: [Statement]) throws -> String {
        var out = ""
        _ = try execute(statements, scope: root, into: &out)
        return out
    }

    // MARK: - Statements

    func execute(_ statements: [Statement], scope: Scope, into out: inout String) throws -> Flow {
        for statement in statements {
            do {
                let flow = try execute(statement, scope: scope, into: &out)
                if flow != .normal { return flow }
            } catch let error as JinjaError {
                throw error.at(line: statement.line)
            }
        }
        return .normal
    }

    private func execute(_ statement: Statement, scope: Scope, into out: inout String) throws -> Flow {
        switch statement.kind {
        case .text(let text):
            out += text
        case .output(let expression):
            out += try evaluate(expression, scope).pythonString
        case .ifChain(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition, scope).isTruthy {
                return try execute(branch.body, scope: scope, into: &out)
            }
            return try execute(otherwise, scope: scope, into: &out)
        case .forLoop(let target, let iterable, let filter, let body, let otherwise, _):
            try runLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise, scope: scope, into: &out)
        case .set(let target, let expression):
            try assign(try evaluate(expression, scope), to: target, in: scope)
        case .setBlock(let target, let filters, let body):
            var captured = ""
            _ = try execute(body, scope: scope, into: &captured)
            var value = JinjaValue.string(captured)
            for (name, arguments) in filters { value = try applyFilter(name, to: value, arguments, scope) }
            try assign(value, to: target, in: scope)
        case .macro(let name, let parameters, let body):
            scope.variables[name] = .function(JinjaFunction(macro: Macro(name: name, parameters: parameters, body: body, captured: nil)))
        case .callBlock(let callExpression, let parameters, let body):
            guard case .call(let callee, let arguments) = callExpression else { break }
            let caller = JinjaFunction(macro: Macro(name: "caller", parameters: parameters, body: body, captured: scope.flattened()))
            let function = try evaluate(callee, scope)
            var args = try evaluateArguments(arguments, scope)
            args.keywords.append(("caller", .function(caller)))
            out += try call(function, args, description: "call block").pythonString
        case .filterBlock(let filters, let body):
            var captured = ""
            _ = try execute(body, scope: scope, into: &captured)
            var value = JinjaValue.string(captured)
            for (name, arguments) in filters { value = try applyFilter(name, to: value, arguments, scope) }
            out += value.pythonString
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .generation(let body):
            return try execute(body, scope: scope, into: &out)
        }
        return .normal
    }

    private func assign(_ value: JinjaValue, to target: AssignTarget, in scope: Scope) throws {
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .tuple(let names):
            let items = try unpack(value, count: names.count)
            for (name, item) in zip(names, items) { scope.variables[name] = item }
        case .attribute(let name, let attribute):
            guard let owner = scope.owner(of: name), case .namespace(var object)? = owner.variables[name] else {
                throw JinjaError(.type, "cannot assign attribute '\(attribute)' on '\(name)': it is not a namespace() object")
            }
            object[attribute] = value
            owner.variables[name] = .namespace(object)
        }
    }

    private func unpack(_ value: JinjaValue, count: Int) throws -> [JinjaValue] {
        let items = try iterate(value)
        guard items.count == count else {
            throw JinjaError(.type, items.count < count
                ? "not enough values to unpack (expected \(count), got \(items.count))"
                : "too many values to unpack (expected \(count))")
        }
        return items
    }

    /// Python iteration: lists, dict keys, string characters; Undefined iterates as empty.
    func iterate(_ value: JinjaValue) throws -> [JinjaValue] {
        switch value {
        case .array(let items), .tuple(let items): return items
        case .object(let object), .namespace(let object): return object.keys.map(JinjaValue.string)
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw JinjaError(.type, "'\(value.typeName)' object is not iterable")
        }
    }

    private func runLoop(target: AssignTarget, iterable: Expression, filter: Expression?, body: [Statement], otherwise: [Statement], scope: Scope, into out: inout String) throws {
        var items = try iterate(try evaluate(iterable, scope))
        if let filter {
            items = try items.filter { item in
                let frame = Scope(parent: scope)
                try assign(item, to: target, in: frame)
                return try evaluate(filter, frame).isTruthy
            }
        }
        if items.isEmpty {
            _ = try execute(otherwise, scope: scope, into: &out)
            return
        }
        let depth = (scope.lookup("loop").flatMap { if case .object(let o) = $0 { return o["depth"]?.asInt } else { return nil } } ?? 0) + 1
        let count = items.count
        for (index, item) in items.enumerated() {
            let frame = Scope(parent: scope)
            try assign(item, to: target, in: frame)
            var loop = JinjaObject()
            loop["index"] = .int(index + 1)
            loop["index0"] = .int(index)
            loop["revindex"] = .int(count - index)
            loop["revindex0"] = .int(count - index - 1)
            loop["first"] = .bool(index == 0)
            loop["last"] = .bool(index == count - 1)
            loop["length"] = .int(count)
            loop["depth"] = .int(depth)
            loop["depth0"] = .int(depth - 1)
            loop["previtem"] = index > 0 ? items[index - 1] : .undefined
            loop["nextitem"] = index + 1 < count ? items[index + 1] : .undefined
            loop["cycle"] = .function(JinjaFunction(name: "loop.cycle") { arguments in
                guard !arguments.positional.isEmpty else { throw JinjaError(.type, "no items for cycling given") }
                return arguments.positional[index % arguments.positional.count]
            })
            frame.variables["loop"] = .object(loop)
            if try execute(body, scope: frame, into: &out) == .breakLoop { break }
        }
    }

    // MARK: - Calls

    func evaluateArguments(_ arguments: [Argument], _ scope: Scope) throws -> JinjaArguments {
        var result = JinjaArguments()
        for argument in arguments {
            switch argument {
            case .positional(let e): result.positional.append(try evaluate(e, scope))
            case .keyword(let name, let e): result.keywords.append((name, try evaluate(e, scope)))
            case .unpackPositional(let e): result.positional += try iterate(try evaluate(e, scope))
            case .unpackKeywords(let e):
                guard case .object(let object) = try evaluate(e, scope) else {
                    throw JinjaError(.type, "argument after ** must be a mapping")
                }
                result.keywords += object.pairs.map { ($0.key, $0.value) }
            }
        }
        return result
    }

    func call(_ callee: JinjaValue, _ arguments: JinjaArguments, description: String) throws -> JinjaValue {
        switch callee {
        case .function(let function):
            switch function.body {
            case .native(let body): return try body(arguments)
            case .macro(let macro): return try callMacro(macro, arguments)
            }
        case .undefined:
            throw JinjaError(.undefined, "'\(description)' is undefined and cannot be called")
        default:
            throw JinjaError(.type, "'\(callee.typeName)' object is not callable")
        }
    }

    private func callMacro(_ macro: Macro, _ arguments: JinjaArguments) throws -> JinjaValue {
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Interpreter.maximumCallDepth else {
            throw JinjaError(.runtime, "macro '\(macro.name)' recursed more than \(Interpreter.maximumCallDepth) levels")
        }
        let base = macro.captured.map { Scope($0, parent: root) } ?? root
        let frame = Scope(parent: base)
        var keywords = arguments.keywords
        for (index, parameter) in macro.parameters.enumerated() {
            if index < arguments.positional.count {
                frame.variables[parameter.name] = arguments.positional[index]
            } else if let k = keywords.firstIndex(where: { $0.0 == parameter.name }) {
                frame.variables[parameter.name] = keywords[k].1
                keywords.remove(at: k)
            } else if let defaultValue = parameter.defaultValue {
                frame.variables[parameter.name] = try evaluate(defaultValue, frame)
            } else {
                frame.variables[parameter.name] = .undefined
            }
        }
        let extra = arguments.positional.count > macro.parameters.count ? Array(arguments.positional[macro.parameters.count...]) : []
        frame.variables["varargs"] = .tuple(extra)
        if let k = keywords.firstIndex(where: { $0.0 == "caller" }) {
            frame.variables["caller"] = keywords[k].1
            keywords.remove(at: k)
        }
        frame.variables["kwargs"] = .object(JinjaObject(keywords))
        var out = ""
        _ = try execute(macro.body, scope: frame, into: &out)
        return .string(out)
    }
}
