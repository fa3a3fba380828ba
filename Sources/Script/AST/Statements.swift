// MARK: - Statement nodes

final class ExprStmt: Stmt {
    let expr: Expr
    init(_ expr: Expr, _ loc: SourceLocation) {
        self.expr = expr
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        _ = try expr.eval(i)
        return .normal
    }
}

final class AssignStmt: Stmt {
    let targets: [Expr]
    let value: Expr
    /// The only target of a plain `x = …` (most assignments).
    let single: Expr?
    /// `single` when it is a name: a local one is stored without the virtual `assign` call.
    let singleName: NameExpr?
    /// `d[k] = d.get(k, default) op v` recognized at parse time (see DictUpdate.swift).
    let dictUpdate: DictUpdate?
    init(_ targets: [Expr], _ value: Expr, _ loc: SourceLocation) {
        self.targets = targets
        self.value = value
        single = targets.count == 1 ? targets[0] : nil
        singleName = single as? NameExpr
        dictUpdate = targets.count == 1 ? DictUpdate(target: targets[0], value: value) : nil
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        if let dictUpdate, try dictUpdate.run(i) { return .normal }
        let v = try value.eval(i)
        if let name = singleName, case .local(let slot) = name.scope {
            i.stack[i.base &+ slot] = v
            return .normal
        }
        if let single {
            try single.assign(v, i)
            return .normal
        }
        for t in targets { try t.assign(v, i) }
        return .normal
    }
}

final class AugAssignStmt: Stmt {
    let target: Expr
    let op: BinaryOperator
    let value: Expr
    /// `target` by kind, cast once here instead of on every execution.
    let nameTarget: NameExpr?
    let subscriptTarget: SubscriptExpr?
    init(_ target: Expr, _ op: BinaryOperator, _ value: Expr, _ loc: SourceLocation) {
        self.target = target
        self.op = op
        self.value = value
        nameTarget = target as? NameExpr
        subscriptTarget = target as? SubscriptExpr
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        if let name = nameTarget {
            // A local int updated by an int (`total += i`): read and write the slot directly. (The slot
            // is indexed again after `value` runs: a call there may move the stack.)
            if case .local(let slot) = name.scope, case .int(let a) = i.stack[i.base &+ slot] {
                let rhs = try value.eval(i)
                if case .int(let b) = rhs {
                    switch op {
                    case .add:
                        let (r, o) = a.addingReportingOverflow(b)
                        if !o { i.stack[i.base &+ slot] = .int(r); return .normal }
                    case .subtract:
                        let (r, o) = a.subtractingReportingOverflow(b)
                        if !o { i.stack[i.base &+ slot] = .int(r); return .normal }
                    default: break
                    }
                }
                try name.assign(try inPlace(.int(a), rhs, i), i)
                return .normal
            }
            var current = try name.eval(i)
            let rhs = try value.eval(i)
            if case .int(let a) = current, case .int(let b) = rhs {
                switch op {
                case .add:
                    let (r, o) = a.addingReportingOverflow(b)
                    if !o { try name.assign(.int(r), i); return .normal }
                case .subtract:
                    let (r, o) = a.subtractingReportingOverflow(b)
                    if !o { try name.assign(.int(r), i); return .normal }
                default: break
                }
            }
            if op == .add {
                if case .str = current, case .str(let b) = rhs {
                    // Drop every other reference, then take the string out of its variable so the
                    // append happens in place instead of copying (CPython does the same trick).
                    current = .none
                    var taken = name.take(i)
                    if case .str(var s) = taken {
                        taken = .none
                        s += b
                        try name.assign(.str(s), i)
                        return .normal
                    }
                    try name.assign(taken, i)
                    current = try name.eval(i)
                } else if case .list(let l) = current {
                    l.items.append(contentsOf: try i.iterate(rhs))
                    return .normal
                }
            }
            try name.assign(try inPlace(current, rhs, i), i)
            return .normal
        }
        if let sub = subscriptTarget {
            let o = try sub.object.eval(i)
            let k = try sub.index.eval(i)
            if case .dict(let d) = o {
                // `d[k] += v`: the key is hashed once for the read and the write.
                let hash = try keyHash(k)
                guard let current = d.count != 0 ? d.get(k, hash: hash) : nil else { throw ScriptError.keyError(k) }
                d.set(k, try inPlace(current, try value.eval(i), i), hash: hash)
                return .normal
            }
            let current = try i.getItem(o, k)
            try i.setItem(o, k, try inPlace(current, try value.eval(i), i))
            return .normal
        }
        if let attr = target as? AttributeExpr {
            let o = try attr.object.eval(i)
            let current = try i.getAttribute(o, attr.name)
            try i.setAttribute(o, attr.name, try inPlace(current, try value.eval(i), i))
            return .normal
        }
        throw ScriptError(type: "SyntaxError", "illegal expression for augmented assignment")
    }

    private func inPlace(_ a: Value, _ b: Value, _ i: Interpreter) throws -> Value {
        do {
            if op == .add, case .list(let l) = a {
                l.items.append(contentsOf: try i.iterate(b))
                return a
            }
            return try i.binary(op, a, b)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
}

final class PassStmt: Stmt {}

final class BreakStmt: Stmt {
    override func exec(_ i: Interpreter) throws -> Flow { .breakLoop }
}

final class ContinueStmt: Stmt {
    override func exec(_ i: Interpreter) throws -> Flow { .continueLoop }
}

final class ReturnStmt: Stmt {
    let value: Expr?
    init(_ value: Expr?, _ loc: SourceLocation) {
        self.value = value
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        i.returnValue = try value?.eval(i) ?? Value.none
        return .returned
    }
}

final class IfStmt: Stmt {
    let test: Expr
    let body: [Stmt]
    let orElse: [Stmt]
    init(_ test: Expr, _ body: [Stmt], _ orElse: [Stmt], _ loc: SourceLocation) {
        self.test = test
        self.body = body
        self.orElse = orElse
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        let t = try test.eval(i)
        let truth: Bool
        if case .bool(let b) = t { truth = b } else { truth = try i.truthy(t) }
        // Two calls rather than `truth ? body : orElse`: choosing the array copies (retains) it.
        if truth { return try execBlock(body, i) }
        if orElse.isEmpty { return .normal }
        return try execBlock(orElse, i)
    }
}

final class WhileStmt: Stmt {
    let test: Expr
    let body: [Stmt]
    let orElse: [Stmt]
    init(_ test: Expr, _ body: [Stmt], _ orElse: [Stmt], _ loc: SourceLocation) {
        self.test = test
        self.body = body
        self.orElse = orElse
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        while true {
            let t = try test.eval(i)
            let truth: Bool
            if case .bool(let b) = t { truth = b } else { truth = try i.truthy(t) }
            if !truth { break }
            try i.checkInterrupt()
            switch try execBlock(body, i) {
            case .breakLoop: return .normal
            case .returned: return .returned
            default: break
            }
        }
        return try execBlock(orElse, i)
    }
}

final class ForStmt: Stmt {
    let target: Expr
    let iterable: Expr
    let body: [Stmt]
    let orElse: [Stmt]
    init(_ target: Expr, _ iterable: Expr, _ body: [Stmt], _ orElse: [Stmt], _ loc: SourceLocation) {
        self.target = target
        self.iterable = iterable
        self.body = body
        self.orElse = orElse
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        let it = try iterable.eval(i)
        // Fast path: `for name in range(…)` counts without allocating.
        if case .object(let o) = it, let r = o as? RangeObject, let name = target as? NameExpr {
            var k = r.start
            let stop = r.stop, step = r.step
            if case .local(let slot) = name.scope {
                // A local loop variable (the usual case in a function) is stored straight into its slot.
                while step > 0 ? k < stop : k > stop {
                    i.stack[i.base &+ slot] = .int(k)
                    try i.checkInterrupt()
                    switch try execBlock(body, i) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: break
                    }
                    k += step
                }
                return try execBlock(orElse, i)
            }
            while step > 0 ? k < stop : k > stop {
                try name.assign(.int(k), i)
                try i.checkInterrupt()
                switch try execBlock(body, i) {
                case .breakLoop: return .normal
                case .returned: return .returned
                default: break
                }
                k += step
            }
            return try execBlock(orElse, i)
        }
        var result = Flow.normal
        var broke = false
        try i.forEach(it) { v in
            try target.assign(v, i)
            try i.checkInterrupt()
            switch try execBlock(body, i) {
            case .breakLoop:
                broke = true
                return false
            case .returned:
                result = .returned
                return false
            default: return true
            }
        }
        if case .returned = result { return .returned }
        if broke { return .normal }
        return try execBlock(orElse, i)
    }
}

final class FunctionDefStmt: Stmt {
    let code: CodeUnit
    let defaults: [Expr?]
    let decorators: [Expr]
    let target: NameExpr
    var captures: [Int] = []
    init(_ code: CodeUnit, defaults: [Expr?], decorators: [Expr], target: NameExpr, _ loc: SourceLocation) {
        self.code = code
        self.defaults = defaults
        self.decorators = decorators
        self.target = target
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        try target.assign(try makeFunction(i), i)
        return .normal
    }
    func makeFunction(_ i: Interpreter) throws -> Value {
        let defaultValues = try defaults.map { try $0?.eval(i) }
        var f = Value.function(FunctionObject(code: code, defaults: defaultValues, closure: captures.map { i.cells[$0] }))
        for d in decorators.reversed() { f = try i.call(try d.eval(i), Arguments([f])) }
        return f
    }
}

final class ClassDefStmt: Stmt {
    let name: String
    let bases: [Expr]
    let body: [Stmt]
    let target: NameExpr
    let docstring: String?
    var decorators: [Expr] = []
    init(_ name: String, bases: [Expr], body: [Stmt], target: NameExpr, docstring: String?, _ loc: SourceLocation) {
        self.name = name
        self.bases = bases
        self.body = body
        self.target = target
        self.docstring = docstring
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        var baseClasses: [ClassObject] = []
        for b in bases {
            let v = try b.eval(i)
            guard case .object(let o) = v, let c = o as? ClassObject else {
                throw ScriptError.typeError("class base must be a class, not '\(v.typeName)'")
            }
            baseClasses.append(c)
        }
        let cls = ClassObject(name: name, bases: baseClasses.isEmpty ? [i.objectClass] : baseClasses)
        if let docstring { cls.attributes["__doc__"] = .str(docstring) }
        for s in body {
            switch s {
            case let f as FunctionDefStmt:
                let made = try f.makeFunction(i)
                if case .function(let fn) = made { fn.definingClass = cls }
                if case .object(let o as StaticMethodObject) = made, case .function(let fn) = o.function { fn.definingClass = cls }
                cls.attributes[f.code.name] = made
            case let a as AssignStmt:
                // Names assigned earlier in the class body (`__repr__ = __str__`) are visible.
                let v: Value
                if let n = a.value as? NameExpr, let own = cls.attributes[n.name] { v = own } else { v = try a.value.eval(i) }
                for t in a.targets {
                    if let n = t as? NameExpr { cls.attributes[n.name] = v }
                }
            default:
                _ = try s.exec(i)
            }
        }
        var made = Value.object(cls)
        for d in decorators.reversed() { made = try i.call(try d.eval(i), Arguments([made])) }
        try target.assign(made, i)
        return .normal
    }
}

final class ExceptHandler {
    let type: Expr?
    let name: NameExpr?
    let body: [Stmt]
    let location: SourceLocation
    init(type: Expr?, name: NameExpr?, body: [Stmt], location: SourceLocation) {
        self.type = type
        self.name = name
        self.body = body
        self.location = location
    }
}

final class TryStmt: Stmt {
    let body: [Stmt]
    let handlers: [ExceptHandler]
    let orElse: [Stmt]
    let finally: [Stmt]
    init(body: [Stmt], handlers: [ExceptHandler], orElse: [Stmt], finally: [Stmt], _ loc: SourceLocation) {
        self.body = body
        self.handlers = handlers
        self.orElse = orElse
        self.finally = finally
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        let savedTop = i.top
        var flow: Flow
        do {
            flow = try runProtected(i, savedTop: savedTop)
        } catch {
            if !finally.isEmpty {
                let saved = i.returnValue
                let f = try execBlock(finally, i)
                if case .normal = f { i.returnValue = saved } else { return f }
            }
            throw error
        }
        if !finally.isEmpty {
            let saved = i.returnValue
            let f = try execBlock(finally, i)
            if case .normal = f { i.returnValue = saved } else { flow = f }
        }
        return flow
    }

    private func runProtected(_ i: Interpreter, savedTop: Int) throws -> Flow {
        let flow: Flow
        do {
            flow = try execBlock(body, i)
        } catch let error as ScriptError {
            let (k, exception) = try catchingHandler(error, i)
            let h = handlers[k]
            try h.name?.assign(.object(exception), i)
            i.handling.append(error)
            defer { i.handling.removeLast() }
            do {
                let f = try execBlock(h.body, i)
                if let n = h.name { try? n.delete(i) }
                return f
            } catch let inner as ScriptError {
                if let n = h.name { try? n.delete(i) }
                throw chained(inner, to: exception, i)
            }
        }
        if case .normal = flow { return try execBlock(orElse, i) }
        return flow
    }

    /// The handler that catches `error` and the exception object it binds; rethrows the error
    /// (as its materialized exception) when no handler matches.
    func catchingHandler(_ error: ScriptError, _ i: Interpreter) throws -> (Int, InstanceObject) {
        guard !handlers.isEmpty else { throw error }
        let exception = i.materialize(error)
        var trace = error.traceback
        if let loc = error.location {
            trace.append(TraceEntry(file: i.currentFunction?.code.file ?? "", function: i.currentFunction?.code.name ?? "<module>", location: loc))
        }
        exception.traceback = trace.reversed()
        for (k, h) in handlers.enumerated() {
            if let t = h.type {
                let matches = try i.exceptionMatches(exception, try t.eval(i))
                if !matches { continue }
            }
            return (k, exception)
        }
        var rethrown = error
        rethrown.payload = .instance(exception)
        throw rethrown
    }

    /// An exception raised inside a handler gets the handled one as its context (`During handling…`).
    func chained(_ inner: ScriptError, to exception: InstanceObject, _ i: Interpreter) -> ScriptError {
        var inner = inner
        if case .instance(let newInstance) = inner.payload, newInstance.context == nil, newInstance !== exception {
            newInstance.context = exception
        } else if case .pending = inner.payload {
            let m = i.materialize(inner)
            if m !== exception && m.context == nil { m.context = exception }
            inner.payload = .instance(m)
        }
        return inner
    }
}

final class RaiseStmt: Stmt {
    let exception: Expr?
    let cause: Expr?
    init(_ exception: Expr?, cause: Expr?, _ loc: SourceLocation) {
        self.exception = exception
        self.cause = cause
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        guard let exception else {
            guard let current = i.handling.last else { throw ScriptError.runtimeError("No active exception to reraise") }
            throw current
        }
        let v = try exception.eval(i)
        let instance = try i.makeException(v)
        if let cause {
            let c = try cause.eval(i)
            if !c.isNone { instance.cause = try i.makeException(c) }
            instance.suppressContext = true
        }
        var e = ScriptError(instance: instance)
        e.location = location
        throw e
    }
}

final class WithStmt: Stmt {
    let items: [(context: Expr, target: Expr?)]
    let body: [Stmt]
    init(_ items: [(Expr, Expr?)], _ body: [Stmt], _ loc: SourceLocation) {
        self.items = items.map { (context: $0.0, target: $0.1) }
        self.body = body
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow { try run(0, i) }

    private func run(_ k: Int, _ i: Interpreter) throws -> Flow {
        if k == items.count { return try execBlock(body, i) }
        let manager = try items[k].context.eval(i)
        let entered = try i.enterContext(manager)
        if let t = items[k].target { try t.assign(entered, i) }
        let flow: Flow
        do {
            flow = try run(k + 1, i)
        } catch let error as ScriptError {
            if try i.exitContext(manager, error) { return .normal }
            throw error
        }
        _ = try i.exitContext(manager, nil)
        return flow
    }
}

final class AssertStmt: Stmt {
    let test: Expr
    let message: Expr?
    init(_ test: Expr, _ message: Expr?, _ loc: SourceLocation) {
        self.test = test
        self.message = message
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        if try i.truthy(try test.eval(i)) { return .normal }
        if let message { throw ScriptError(type: "AssertionError", args: [try message.eval(i)]) }
        throw ScriptError(type: "AssertionError", args: [])
    }
}

final class DeleteStmt: Stmt {
    let targets: [Expr]
    init(_ targets: [Expr], _ loc: SourceLocation) {
        self.targets = targets
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        for t in targets { try t.delete(i) }
        return .normal
    }
}

final class ImportStmt: Stmt {
    /// `import a.b as c`: module path, bound name target, and whether the alias binds the leaf.
    let names: [(module: String, target: NameExpr, bindsLeaf: Bool)]
    init(_ names: [(String, NameExpr, Bool)], _ loc: SourceLocation) {
        self.names = names.map { (module: $0.0, target: $0.1, bindsLeaf: $0.2) }
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        for n in names {
            let m = try i.importModule(n.module)
            if n.bindsLeaf {
                try n.target.assign(.object(m), i)
            } else {
                let top = String(n.module.split(separator: ".")[0])
                try n.target.assign(.object(try i.importModule(top)), i)
            }
        }
        return .normal
    }
}

final class ImportFromStmt: Stmt {
    let module: String
    let names: [(name: String, target: NameExpr)]
    /// `from m import *`: targets resolved at run time into globals.
    let star: Bool
    init(_ module: String, _ names: [(String, NameExpr)], star: Bool, _ loc: SourceLocation) {
        self.module = module
        self.names = names.map { (name: $0.0, target: $0.1) }
        self.star = star
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        let m = try i.importModule(module)
        if star {
            for (k, v) in m.attributes where !k.hasPrefix("_") { i.setGlobal(k, v) }
            return .normal
        }
        for n in names {
            if let v = m.attributes[n.name] {
                try n.target.assign(v, i)
            } else if let sub = try? i.importModule(module + "." + n.name) {
                try n.target.assign(.object(sub), i)
            } else {
                throw ScriptError(type: "ImportError", "cannot import name '\(n.name)' from '\(module)'")
            }
        }
        return .normal
    }
}
