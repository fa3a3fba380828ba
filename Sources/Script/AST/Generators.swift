// MARK: - Generators
//
// A function whose body contains `yield` returns a generator. The tree-walking interpreter runs
// on the native stack, so a generator cannot simply suspend in the middle of `exec`: instead its
// body runs through a resumable path. Every statement that contains a `yield` (the resolver marks
// them) records where it stopped — the position in each block, the loop's iterator, the branch of
// an `if`, the phase of a `try` — in the generator's state table when a `yield` returns
// ``Flow/yielded``; the next resume walks down the same statements, each reading its state, to
// the `yield`, which then returns the sent value. Locals are copied out of the value stack on
// every suspension and back in on resume. Statements without a `yield` run through their plain
// `exec`, at full speed.
//
// `yield` is supported where it is a statement (`yield x`, `yield from it`) or the value of an
// assignment (`x = yield y`); the resolver rejects it inside a larger expression with a message.
// Generator expressions compile into a generator function of one parameter (the first iterable,
// evaluated eagerly as in Python), so they are lazy and have their own scope.

/// `yield value` / `yield from iterable` as parsed (only ``YieldStmt`` runs it).
final class YieldExpr: Expr {
    let value: Expr?
    let isFrom: Bool
    init(_ value: Expr?, isFrom: Bool, _ loc: SourceLocation) {
        self.value = value
        self.isFrom = isFrom
        super.init(loc)
    }
}

/// A `yield` statement, or an assignment of a `yield`'s sent value (`x = yield y`).
final class YieldStmt: Stmt {
    let expr: YieldExpr
    let targets: [Expr]
    init(_ expr: YieldExpr, targets: [Expr], _ loc: SourceLocation) {
        self.expr = expr
        self.targets = targets
        super.init(loc)
        containsYield = true
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        throw ScriptError(type: "SyntaxError", "'yield' outside function")
    }
}

/// Where a suspended statement stopped: the statement and which of its parts.
struct ResumeKey: Hashable {
    let node: ObjectIdentifier
    let part: Int
    init(_ node: AnyObject, _ part: Int) {
        self.node = ObjectIdentifier(node)
        self.part = part
    }
}

// MARK: - The generator object

/// A running or suspended generator function (`def` with `yield`, or a generator expression).
public final class GeneratorObject: ScriptObject, ScriptIterator {
    let function: FunctionObject
    /// The interpreter that created it (weak: the interpreter's globals may hold the generator).
    weak var interpreter: Interpreter?
    /// The frame's locals while suspended.
    var slots: [Value]
    var cells: [Cell]
    /// Per-statement resume state (block positions, iterators, branches, phases).
    var states: [ResumeKey: Any] = [:]
    var started = false
    var finished = false
    var running = false
    /// True while a resume walks down to the `yield` it stopped at.
    var resuming = false
    /// What the last `yield` produced, and what `send` passes back in.
    var yielded: Value = .none
    var sent: Value = .none
    /// An exception `throw()`/`close()` raises at the suspended `yield`.
    var thrown: ScriptError?
    /// The value of the body's `return` (`StopIteration.value`, the result of `yield from`).
    var returnValue: Value = .none

    init(function: FunctionObject, slots: [Value], cells: [Cell], interpreter: Interpreter) {
        self.function = function
        self.slots = slots
        self.cells = cells
        self.interpreter = interpreter
    }

    public var typeName: String { "generator" }
    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { self }

    public func next() throws -> Value? {
        guard let interpreter else { return nil }
        return try interpreter.resumeGenerator(self, sent: .none, thrown: nil)
    }

    public func repr(in interp: Interpreter) throws -> String {
        "<generator object \(function.code.name) at 0x\(String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16))>"
    }

    public func attributeNames() -> [String] { ["close", "send", "throw", "__next__", "__iter__", "__name__"] }

    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "__name__", "__qualname__": return .str(function.code.name)
        case "gi_running": return .bool(running)
        case "__iter__":
            return .object(BuiltinFunction("__iter__", doc: "Implement iter(self).") { [self] _, _ in .object(self) })
        case "__next__":
            return .object(BuiltinFunction("__next__", doc: "Implement next(self).") { [self] _, interp in
                try self.stepOrStop(interp, sent: .none, thrown: nil)
            })
        case "send":
            return .object(BuiltinFunction("send", Signature([Parameter("value")]),
                doc: "send(arg) -> send 'arg' into generator,\nreturn next yielded value or raise StopIteration.") { [self] args, interp in
                if !self.started && !self.finished && !args[0].isNone {
                    throw ScriptError.typeError("can't send non-None value to a just-started generator")
                }
                return try self.stepOrStop(interp, sent: args[0], thrown: nil)
            })
        case "throw":
            return .object(BuiltinFunction("throw", Signature([Parameter("typ")]),
                doc: "throw(value)\nthrow(type[,value[,tb]])\n\nRaise exception in generator, return next yielded value or raise\nStopIteration.") { [self] args, interp in
                let error = ScriptError(instance: try interp.makeException(args[0]))
                if !self.started || self.finished {
                    self.finished = true
                    throw error
                }
                return try self.stepOrStop(interp, sent: .none, thrown: error)
            })
        case "close":
            return .object(BuiltinFunction("close", doc: "close() -> raise GeneratorExit inside generator.") { [self] _, interp in
                try self.close(interp)
                return .none
            })
        default: return nil
        }
    }

    /// One step for `next`/`send`/`throw`: the yielded value, or StopIteration with the return value.
    private func stepOrStop(_ interp: Interpreter, sent: Value, thrown: ScriptError?) throws -> Value {
        if let v = try interp.resumeGenerator(self, sent: sent, thrown: thrown) { return v }
        let result = returnValue
        returnValue = .none
        throw ScriptError(type: "StopIteration", args: result.isNone ? [] : [result])
    }

    /// `close()`: raises GeneratorExit at the suspended `yield` so `finally` blocks run.
    func close(_ interp: Interpreter) throws {
        guard started && !finished else {
            finished = true
            return
        }
        do {
            if try interp.resumeGenerator(self, sent: .none, thrown: ScriptError(type: "GeneratorExit", args: [])) != nil {
                throw ScriptError.runtimeError("generator ignored GeneratorExit")
            }
        } catch let e as ScriptError where e.typeName == "GeneratorExit" || e.typeName == "StopIteration" {
            finished = true
        }
    }
}

// MARK: - Running generators

extension Interpreter {
    /// Calling a generator function: the bound arguments become the suspended frame.
    func makeGenerator(_ f: FunctionObject, base newBase: Int) -> Value {
        let code = f.code
        var slots: [Value] = []
        slots.reserveCapacity(code.frameSize)
        for k in 0..<code.frameSize {
            slots.append(stack[newBase &+ k])
            stack[newBase &+ k] = .unbound
        }
        top = newBase
        var frameCells: [Cell] = []
        for p in code.cellParameterSlots {
            if let p { frameCells.append(Cell(slots[p])) } else { frameCells.append(Cell()) }
        }
        frameCells.append(contentsOf: f.closure)
        return .object(GeneratorObject(function: f, slots: slots, cells: frameCells, interpreter: self))
    }

    /// Runs a generator to its next `yield` (the value) or to its end (nil).
    func resumeGenerator(_ g: GeneratorObject, sent: Value, thrown: ScriptError?) throws -> Value? {
        if g.finished {
            if let thrown { throw thrown }
            return nil
        }
        if g.running { throw ScriptError.valueError("generator already executing") }
        let code = g.function.code
        let newBase = top
        reserve(code.frameSize)
        top = newBase + code.frameSize
        for k in 0..<code.frameSize { stack[newBase &+ k] = g.slots[k] }
        g.slots = []
        let savedBase = base, savedCells = cells, savedFunction = runningFunction, savedReturn = returnValue
        base = newBase
        cells = g.cells
        runningFunction = .passUnretained(g.function)
        depth += 1
        g.running = true
        g.resuming = g.started
        g.started = true
        g.sent = sent
        g.thrown = thrown
        defer {
            if !g.finished {
                g.slots.reserveCapacity(code.frameSize)
                for k in 0..<code.frameSize { g.slots.append(stack[newBase &+ k]) }
            }
            for k in 0..<code.frameSize { stack[newBase &+ k] = .unbound }
            top = newBase
            base = savedBase
            cells = savedCells
            runningFunction = savedFunction
            returnValue = savedReturn
            g.running = false
            depth -= 1
        }
        do {
            if depth > recursionLimit { throw ScriptError(type: "RecursionError", "maximum recursion depth exceeded") }
            if !g.resuming, let thrown = g.thrown {
                g.thrown = nil
                throw thrown
            }
            try checkInterrupt()
            let flow = try resumeBlock(code.body, g, code, 0)
            if case .yielded = flow {
                let v = g.yielded
                g.yielded = .none
                return v
            }
            g.returnValue = flow == .returned ? returnValue : .none
            finish(g)
            return nil
        } catch var e as ScriptError {
            finish(g)
            if e.typeName == "StopIteration" {
                var replaced = ScriptError(type: "RuntimeError", "generator raised StopIteration")
                replaced.location = e.location
                e = replaced
            }
            let loc = e.location ?? code.body.first?.location ?? SourceLocation(line: 0, column: 0, endColumn: 0)
            e.traceback.append(TraceEntry(file: code.file, function: code.name, location: loc))
            e.location = nil
            throw e
        }
    }

    private func finish(_ g: GeneratorObject) {
        g.finished = true
        g.states = [:]
        g.slots = []
        g.cells = []
    }

    /// A block inside a generator: continues at the statement that yielded when resuming.
    func resumeBlock(_ body: [Stmt], _ g: GeneratorObject, _ owner: AnyObject, _ part: Int) throws -> Flow {
        let key = ResumeKey(owner, part)
        var k = 0
        if g.resuming, let saved = g.states[key] as? Int { k = saved }
        while k < body.count {
            let s = body[k]
            let flow: Flow
            do {
                flow = s.containsYield ? try resumeStatement(s, g) : try s.exec(self)
            } catch var e as ScriptError {
                if e.location == nil { e.location = s.location }
                throw e
            } catch {
                var e = convert(error)
                e.location = s.location
                throw e
            }
            switch flow {
            case .normal: k += 1
            case .yielded:
                g.states[key] = k
                return .yielded
            default: return flow
            }
        }
        return .normal
    }

    private func resumeStatement(_ s: Stmt, _ g: GeneratorObject) throws -> Flow {
        switch s {
        case let y as YieldStmt: return try runYield(y, g)
        case let x as IfStmt: return try resumeIf(x, g)
        case let w as WhileStmt: return try resumeWhile(w, g)
        case let f as ForStmt: return try resumeFor(f, g)
        case let t as TryStmt: return try resumeTry(t, g)
        case let w as WithStmt: return try resumeWith(w, g)
        default: return try s.exec(self)
        }
    }

    // MARK: Statements

    private func runYield(_ y: YieldStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(y, 0)
        guard y.expr.isFrom else {
            if g.resuming {
                g.resuming = false
                if let thrown = g.thrown {
                    g.thrown = nil
                    throw thrown
                }
                let sent = g.sent
                g.sent = .none
                for t in y.targets { try t.assign(sent, self) }
                return .normal
            }
            g.yielded = try y.expr.value?.eval(self) ?? .none
            return .yielded
        }
        var iterator: any ScriptIterator
        var next: Value?
        if g.resuming, let saved = g.states[key] as? any ScriptIterator {
            g.resuming = false
            iterator = saved
            let sent = g.sent, thrown = g.thrown
            g.sent = .none
            g.thrown = nil
            if let sub = iterator as? GeneratorObject {
                next = try resumeGenerator(sub, sent: sent, thrown: thrown)
            } else {
                if let thrown { throw thrown }
                next = try iterator.next()
            }
        } else {
            g.resuming = false
            iterator = try makeIterator(try y.expr.value?.eval(self) ?? .none)
            next = try iterator.next()
        }
        if let v = next {
            g.states[key] = iterator
            g.yielded = v
            return .yielded
        }
        g.states[key] = nil
        let result = (iterator as? GeneratorObject)?.returnValue ?? .none
        for t in y.targets { try t.assign(result, self) }
        return .normal
    }

    private func truth(_ e: Expr) throws -> Bool {
        let v = try e.eval(self)
        if case .bool(let b) = v { return b }
        return try truthy(v)
    }

    private func resumeIf(_ s: IfStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(s, 0)
        let branch: Bool
        if g.resuming, let saved = g.states[key] as? Bool { branch = saved } else { branch = try truth(s.test) }
        let flow = try resumeBlock(branch ? s.body : s.orElse, g, s, branch ? 1 : 2)
        if case .yielded = flow { g.states[key] = branch }
        return flow
    }

    private func resumeWhile(_ s: WhileStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(s, 0)
        var inElse = false
        var resumingBody = false
        if g.resuming {
            inElse = g.states[key] as? Bool ?? false
            resumingBody = !inElse
        }
        if !inElse {
            while true {
                if !resumingBody {
                    if try !truth(s.test) { break }
                }
                resumingBody = false
                try checkInterrupt()
                switch try resumeBlock(s.body, g, s, 1) {
                case .yielded:
                    g.states[key] = false
                    return .yielded
                case .breakLoop: return .normal
                case .returned: return .returned
                default: break
                }
            }
        }
        let flow = try resumeBlock(s.orElse, g, s, 2)
        if case .yielded = flow { g.states[key] = true }
        return flow
    }

    private enum LoopState {
        case looping(any ScriptIterator)
        case inElse
    }

    private func resumeFor(_ s: ForStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(s, 0)
        var iterator: (any ScriptIterator)?
        var resumingBody = false
        if g.resuming, let saved = g.states[key] as? LoopState {
            if case .looping(let it) = saved {
                iterator = it
                resumingBody = true
            }
        } else {
            iterator = try makeIterator(try s.iterable.eval(self))
        }
        if let iterator {
            while true {
                if !resumingBody {
                    guard let v = try iterator.next() else { break }
                    try s.target.assign(v, self)
                }
                resumingBody = false
                try checkInterrupt()
                switch try resumeBlock(s.body, g, s, 1) {
                case .yielded:
                    g.states[key] = LoopState.looping(iterator)
                    return .yielded
                case .breakLoop:
                    g.states[key] = nil
                    return .normal
                case .returned:
                    g.states[key] = nil
                    return .returned
                default: break
                }
            }
        }
        let flow = try resumeBlock(s.orElse, g, s, 2)
        g.states[key] = flow == .yielded ? LoopState.inElse : nil
        return flow
    }

    private enum TryPhase {
        case body
        case handler(Int, ScriptError, InstanceObject)
        case orElse
        case finally(pending: (any Error)?, flow: Flow, returnValue: Value)
    }

    private func resumeTry(_ s: TryStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(s, 0)
        var phase = TryPhase.body
        if g.resuming, let saved = g.states[key] as? TryPhase { phase = saved }
        var pending: (any Error)?
        var flow = Flow.normal
        var savedReturn = returnValue
        if case .finally(let p, let f, let r) = phase {
            pending = p
            flow = f
            savedReturn = r
        } else {
            do {
                flow = try resumeProtected(s, g, phase, key)
                if case .yielded = flow { return .yielded }
            } catch {
                pending = error
            }
            savedReturn = returnValue
        }
        if !s.finally.isEmpty {
            let f = try resumeBlock(s.finally, g, s, 3)
            switch f {
            case .yielded:
                g.states[key] = TryPhase.finally(pending: pending, flow: flow, returnValue: savedReturn)
                return .yielded
            case .normal: returnValue = savedReturn
            default:
                g.states[key] = nil
                return f
            }
        }
        g.states[key] = nil
        if let pending { throw pending }
        return flow
    }

    /// The body, handler and `else` parts of a `try` inside a generator.
    private func resumeProtected(_ s: TryStmt, _ g: GeneratorObject, _ start: TryPhase, _ key: ResumeKey) throws -> Flow {
        var phase = start
        if case .body = phase {
            do {
                let f = try resumeBlock(s.body, g, s, 1)
                switch f {
                case .yielded:
                    g.states[key] = TryPhase.body
                    return .yielded
                case .normal: phase = .orElse
                default: return f
                }
            } catch let error as ScriptError {
                let (k, exception) = try s.catchingHandler(error, self)
                try s.handlers[k].name?.assign(.object(exception), self)
                phase = .handler(k, error, exception)
            }
        }
        if case .handler(let k, let error, let exception) = phase {
            let h = s.handlers[k]
            handling.append(error)
            defer { handling.removeLast() }
            do {
                let f = try resumeBlock(h.body, g, s, 10 + k)
                if case .yielded = f {
                    g.states[key] = phase
                    return .yielded
                }
                if let n = h.name { try? n.delete(self) }
                return f
            } catch let inner as ScriptError {
                if let n = h.name { try? n.delete(self) }
                throw s.chained(inner, to: exception, self)
            }
        }
        let f = try resumeBlock(s.orElse, g, s, 2)
        if case .yielded = f { g.states[key] = TryPhase.orElse }
        return f
    }

    private func resumeWith(_ s: WithStmt, _ g: GeneratorObject) throws -> Flow {
        let key = ResumeKey(s, 0)
        var managers: [Value] = []
        if g.resuming, let saved = g.states[key] as? [Value] {
            managers = saved
        } else {
            for item in s.items {
                let manager = try item.context.eval(self)
                do {
                    let entered = try enterContext(manager)
                    managers.append(manager)
                    if let t = item.target { try t.assign(entered, self) }
                } catch let error as ScriptError {
                    try exitAll(managers, error)
                    throw error
                }
            }
        }
        let flow: Flow
        do {
            flow = try resumeBlock(s.body, g, s, 1)
        } catch let error as ScriptError {
            g.states[key] = nil
            if try exitAll(managers, error) { return .normal }
            throw error
        }
        if case .yielded = flow {
            g.states[key] = managers
            return .yielded
        }
        g.states[key] = nil
        _ = try exitAll(managers, nil)
        return flow
    }

    /// Exits context managers innermost first; true when one of them suppressed `error`.
    @discardableResult
    private func exitAll(_ managers: [Value], _ error: ScriptError?) throws -> Bool {
        var error = error
        var suppressed = false
        for m in managers.reversed() {
            if try exitContext(m, error), error != nil {
                suppressed = true
                error = nil
            }
        }
        return suppressed
    }
}
