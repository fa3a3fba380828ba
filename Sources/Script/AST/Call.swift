// MARK: - Calls

/// One argument as written at a call site.
enum CallArgument {
    case positional(Expr)
    case star(Expr)
    case keyword(String, Expr)
    case doubleStar(Expr)
}

final class CallExpr: Expr {
    let function: Expr
    let arguments: [CallArgument]
    /// The argument expressions when every argument is a plain positional one (the fast path).
    let simple: [Expr]?
    /// Hot methods of built-in values called without building an argument list.
    enum HotMethod { case none, append, get }
    let hot: HotMethod
    /// `function` when it is `object.name` (cast once here instead of on every call).
    let attribute: AttributeExpr?
    init(_ function: Expr, _ arguments: [CallArgument], _ loc: SourceLocation) {
        self.function = function
        self.arguments = arguments
        attribute = function as? AttributeExpr
        let name = attribute?.name
        hot = name == "append" && arguments.count == 1 ? .append : name == "get" && (1...2).contains(arguments.count) ? .get : .none
        var simple: [Expr] = []
        for a in arguments {
            if case .positional(let e) = a { simple.append(e) }
        }
        self.simple = simple.count == arguments.count ? simple : nil
        super.init(loc)
    }

    override func eval(_ i: Interpreter) throws -> Value {
        do {
            let callee: Value
            if let attr = attribute {
                let object = try attr.object.eval(i)
                if hot != .none, let simple {
                    switch (hot, object) {
                    case (.append, .list(let l)):
                        l.items.append(try simple[0].eval(i))
                        return Value.none
                    case (.get, .dict(let d)):
                        let key = try simple[0].eval(i)
                        if let v = try d.get(key) { return v }
                        return simple.count == 2 ? try simple[1].eval(i) : Value.none
                    default: break
                    }
                }
                switch object {
                case .list, .dict, .str, .tuple, .int, .float:
                    let args = try buildArguments(i)
                    if let r = try i.callBuiltinMethod(object, attr.name, args) { return r }
                    callee = try i.getAttribute(object, attr.name)
                    return try i.call(callee, args)
                default:
                    callee = try i.getAttribute(object, attr.name)
                }
            } else {
                callee = try function.eval(i)
                if let simple {
                    switch callee {
                    case .function(let f) where f.code.fastCallArity == simple.count:
                        return try i.callFast(f, simple)
                    case .object(let o) where simple.count == 1 && o === i.strType:
                        // `str(x)` of an int or a str: the common conversion in string building.
                        let v = try simple[0].eval(i)
                        switch v {
                        case .int(let n): return .str(decimalText(n))
                        case .str: return v
                        default: return try i.call(callee, Arguments([v]))
                        }
                    default: break
                    }
                }
            }
            return try i.call(callee, try buildArguments(i))
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        } catch {
            var e = i.convert(error)
            e.location = location
            throw e
        }
    }

    func buildArguments(_ i: Interpreter) throws -> Arguments {
        var args = Arguments()
        if let simple {
            args.positional.reserveCapacity(simple.count)
            for e in simple { args.positional.append(try e.eval(i)) }
            return args
        }
        for a in arguments {
            switch a {
            case .positional(let e): args.positional.append(try e.eval(i))
            case .star(let e): args.positional.append(contentsOf: try i.iterate(try e.eval(i)))
            case .keyword(let name, let e):
                let v = try e.eval(i)
                if args.keywords.contains(where: { $0.name == name }) {
                    throw ScriptError(type: "SyntaxError", "keyword argument repeated: \(name)")
                }
                args.keywords.append((name, v))
            case .doubleStar(let e):
                let m = try e.eval(i)
                for (k, v) in try i.mappingItems(m, context: "argument after ** must be a mapping, not \(m.typeName)") {
                    guard case .str(let name) = k else { throw ScriptError.typeError("keywords must be strings") }
                    if args.keywords.contains(where: { $0.name == name }) {
                        throw ScriptError.typeError("got multiple values for keyword argument '\(name)'")
                    }
                    args.keywords.append((name, v))
                }
            }
        }
        return args
    }
}

extension CodeUnit {
    /// No `*args`, `**kwargs`, keyword-only parameters or cells: arguments map straight to slots.
    var isSimple: Bool { varArgs == nil && varKeywords == nil && keywordOnlyStart == nil }
}

// MARK: - Function calls

extension Interpreter {
    /// Calls any callable value.
    public func call(_ callee: Value, _ args: Arguments) throws -> Value {
        switch callee {
        case .function(let f): return try callFunction(f, args)
        case .object(let o):
            do {
                return try o.call(args, in: self)
            } catch let e as ScriptError {
                throw e
            } catch {
                throw convert(error)
            }
        default: throw ScriptError.typeError("'\(callee.typeName)' object is not callable")
        }
    }

    /// Calls a callable with positional arguments (for native code calling back into scripts).
    public func call(_ callee: Value, _ positional: Value...) throws -> Value {
        try call(callee, Arguments(positional))
    }

    /// The fast path: only positional arguments, exactly as many as parameters.
    @inline(__always)
    func callFast(_ f: FunctionObject, _ argExprs: [Expr]) throws -> Value {
        let frameSize = f.code.frameSize
        let newBase = top
        reserve(frameSize)
        top = newBase + frameSize
        do {
            try withUnmanagedElements(of: argExprs) { exprs, count in
                // Unmanaged: the call site holds its argument expressions (no retain per argument).
                guard let exprs else { return }
                for k in 0..<count {
                    stack[newBase &+ k] = try exprs[k]._withUnsafeGuaranteedRef { try $0.eval(self) }
                }
            }
        } catch {
            for k in 0..<argExprs.count { stack[newBase &+ k] = .unbound }
            top = newBase
            throw error
        }
        return try run(f, base: newBase)
    }

    /// A call with arbitrary arguments, bound as Python binds them.
    func callFunction(_ f: FunctionObject, _ args: Arguments) throws -> Value {
        let code = f.code
        let newBase = top
        reserve(code.frameSize)
        top = newBase + code.frameSize
        do {
            try bind(f, args, base: newBase)
        } catch {
            for k in 0..<code.frameSize { stack[newBase &+ k] = .unbound }
            top = newBase
            throw error
        }
        return try run(f, base: newBase)
    }

    private func bind(_ f: FunctionObject, _ args: Arguments, base newBase: Int) throws {
        let code = f.code
        let name = code.name
        let positionalCount = code.positionalCount
        var extra: [Value] = []
        for (k, v) in args.positional.enumerated() {
            if k < positionalCount {
                stack[newBase + k] = v
            } else if code.varArgs != nil {
                extra.append(v)
            } else {
                let required = code.parameters.prefix(positionalCount).filter { $0.defaultValue == nil }.count
                let takes = required == positionalCount ? "\(positionalCount)" : "from \(required) to \(positionalCount)"
                throw ScriptError.typeError("\(name)() takes \(takes) positional argument\(positionalCount == 1 && required == positionalCount ? "" : "s") but \(args.positional.count) \(args.positional.count == 1 ? "was" : "were") given")
            }
        }
        var slot = code.parameters.count
        if code.varArgs != nil {
            stack[newBase + slot] = .tuple(extra)
            slot += 1
        }
        let kwargs = code.varKeywords != nil ? DictObject() : nil
        for (k, v) in args.keywords {
            if let p = code.parameters.firstIndex(where: { $0.name == k }) {
                if case .unbound = stack[newBase + p] {
                    stack[newBase + p] = v
                } else {
                    throw ScriptError.typeError("\(name)() got multiple values for argument '\(k)'")
                }
            } else if let kwargs {
                kwargs.setUnchecked(.str(k), v)
            } else {
                throw ScriptError.typeError("\(name)() got an unexpected keyword argument '\(k)'")
            }
        }
        if let kwargs { stack[newBase + slot] = .dict(kwargs) }
        var missing: [String] = []
        var missingKeywordOnly: [String] = []
        for p in 0..<code.parameters.count {
            if case .unbound = stack[newBase + p] {
                if let d = f.defaults[p] {
                    stack[newBase + p] = d
                } else if p >= positionalCount {
                    missingKeywordOnly.append(code.parameters[p].name)
                } else {
                    missing.append(code.parameters[p].name)
                }
            }
        }
        if !missing.isEmpty || !missingKeywordOnly.isEmpty {
            let names = (missing.isEmpty ? missingKeywordOnly : missing).map { "'\($0)'" }
            let list = names.count == 1 ? names[0] : names.count == 2 ? "\(names[0]) and \(names[1])" : names.dropLast().joined(separator: ", ") + ", and " + names[names.count - 1]
            let kind = missing.isEmpty ? "keyword-only" : "positional"
            throw ScriptError.typeError("\(name)() missing \(names.count) required \(kind) argument\(names.count == 1 ? "" : "s"): \(list)")
        }
    }

    /// Runs a function body in the frame at `newBase` (arguments already in their slots).
    private func run(_ f: FunctionObject, base newBase: Int) throws -> Value {
        let code = f.code
        if code.isGenerator { return makeGenerator(f, base: newBase) }
        depth += 1
        let savedFunction = runningFunction
        runningFunction = .passUnretained(f)
        let savedBase = base
        base = newBase
        var savedCells: [Cell]? = nil
        if !code.cellParameterSlots.isEmpty || code.freeVariableCount > 0 {
            savedCells = cells
            var frameCells: [Cell] = []
            frameCells.reserveCapacity(code.cellParameterSlots.count + f.closure.count)
            for p in code.cellParameterSlots {
                if let p { frameCells.append(Cell(stack[newBase + p])) } else { frameCells.append(Cell()) }
            }
            frameCells.append(contentsOf: f.closure)
            cells = frameCells
        }
        defer {
            for k in 0..<code.frameSize { stack[newBase &+ k] = .unbound }
            top = newBase
            base = savedBase
            if let savedCells { cells = savedCells }
            runningFunction = savedFunction
            depth -= 1
        }
        if depth > recursionLimit {
            throw ScriptError(type: "RecursionError", "maximum recursion depth exceeded")
        }
        do {
            try checkInterrupt()
            let body = code.statements
            guard let statements = body.base else { return Value.none }
            if case .returned = try execStatements(statements, body.count, self) {
                // Moved out, not copied: no retain/release of a returned object.
                var r = Value.none
                swap(&r, &returnValue)
                return r
            }
            return Value.none
        } catch var e as ScriptError {
            let loc = e.location ?? code.body.first?.location ?? SourceLocation(line: 0, column: 0, endColumn: 0)
            if e.traceback.count < 200 || depth < 50 {
                e.traceback.append(TraceEntry(file: code.file, function: code.name, location: loc))
            }
            e.location = nil
            throw e
        }
    }

    /// Converts a Swift error thrown by native code into a script exception.
    public func convert(_ error: any Error) -> ScriptError {
        if let e = error as? ScriptError { return e }
        if let e = error as? ScriptConvertibleError { return ScriptError(type: e.scriptExceptionType, e.scriptMessage) }
        if let e = error as? SyntaxError { return ScriptError(type: e.kind, e.message) }
        return ScriptError(type: "RuntimeError", String(describing: error))
    }
}
