// MARK: - Resolver
//
// Decides, before anything runs, where every name lives: a local slot of its function's frame, a
// cell (for variables shared with closures), or a global slot. Python's rule: a name assigned
// anywhere in a function is local to it unless declared `global`/`nonlocal`.

final class Symbol {
    let name: String
    let slot: Int
    var isCell = false
    var cellIndex = -1
    init(name: String, slot: Int) {
        self.name = name
        self.slot = slot
    }
}

final class Scope {
    let code: CodeUnit
    let parent: Scope?
    let isModule: Bool
    var locals: [String: Symbol] = [:]
    var slotCount = 0
    var declaredGlobal: Set<String> = []
    var declaredNonlocal: Set<String> = []
    /// Comprehension variables currently in scope (innermost last).
    var hidden: [[String: Symbol]] = []
    var cellOrder: [Symbol] = []
    /// Free variables: the outer symbol each refers to, in order.
    var free: [(name: String, outer: Symbol, outerScope: Scope)] = []
    var uses: [(NameExpr, Symbol)] = []
    var freeUses: [(NameExpr, Int)] = []
    /// Function definitions in this scope whose captures are filled at finalize.
    var pendingCaptures: [(child: Scope, assign: ([Int]) -> Void)] = []

    init(code: CodeUnit, parent: Scope?, isModule: Bool) {
        self.code = code
        self.parent = parent
        self.isModule = isModule
    }

    func newSlot(_ name: String) -> Symbol {
        let s = Symbol(name: name, slot: slotCount)
        slotCount += 1
        code.slotNames.append(name)
        return s
    }

    func markCell(_ s: Symbol) {
        if !s.isCell {
            s.isCell = true
            cellOrder.append(s)
        }
    }

    /// Index (in this frame's cell array) of a free variable, creating it.
    func freeIndex(_ name: String, _ outer: Symbol, _ outerScope: Scope) -> Int {
        if let k = free.firstIndex(where: { $0.name == name }) { return k }
        free.append((name, outer, outerScope))
        return free.count - 1
    }
}

struct Resolver {
    let interp: Interpreter

    /// Resolves a module body; returns its code unit.
    func resolveModule(_ body: [Stmt], file: String, name: String = "<module>") throws -> CodeUnit {
        let code = CodeUnit(name: name, file: file)
        code.body = body
        let scope = Scope(code: code, parent: nil, isModule: true)
        if markYields(body), let y = firstYield(body) {
            throw SyntaxError("'yield' outside function", file: file, location: y.location)
        }
        try resolveBlock(body, scope)
        try finalize(scope)
        return code
    }

    // MARK: Declarations

    /// Names bound anywhere in a function body (not inside nested functions or comprehensions).
    private func collectBindings(_ body: [Stmt], into names: inout [String], globals: inout Set<String>, nonlocals: inout Set<String>) {
        func target(_ e: Expr) {
            switch e {
            case let n as NameExpr: names.append(n.name)
            case let t as TupleExpr: t.elements.forEach(target)
            case let l as ListExpr: l.elements.forEach(target)
            case let s as StarredExpr: target(s.value)
            default: break
            }
        }
        for s in body {
            switch s {
            case let a as AssignStmt: a.targets.forEach(target)
            case let a as AugAssignStmt: target(a.target)
            case let f as ForStmt:
                target(f.target)
                collectBindings(f.body, into: &names, globals: &globals, nonlocals: &nonlocals)
                collectBindings(f.orElse, into: &names, globals: &globals, nonlocals: &nonlocals)
            case let w as WhileStmt:
                collectBindings(w.body, into: &names, globals: &globals, nonlocals: &nonlocals)
                collectBindings(w.orElse, into: &names, globals: &globals, nonlocals: &nonlocals)
            case let i as IfStmt:
                collectBindings(i.body, into: &names, globals: &globals, nonlocals: &nonlocals)
                collectBindings(i.orElse, into: &names, globals: &globals, nonlocals: &nonlocals)
            case let t as TryStmt:
                collectBindings(t.body, into: &names, globals: &globals, nonlocals: &nonlocals)
                for h in t.handlers {
                    if let n = h.name { names.append(n.name) }
                    collectBindings(h.body, into: &names, globals: &globals, nonlocals: &nonlocals)
                }
                collectBindings(t.orElse, into: &names, globals: &globals, nonlocals: &nonlocals)
                collectBindings(t.finally, into: &names, globals: &globals, nonlocals: &nonlocals)
            case let w as WithStmt:
                for item in w.items { if let t = item.target { target(t) } }
                collectBindings(w.body, into: &names, globals: &globals, nonlocals: &nonlocals)
            case let f as FunctionDefStmt: names.append(f.target.name)
            case let c as ClassDefStmt: names.append(c.target.name)
            case let imp as ImportStmt: for n in imp.names { names.append(n.target.name) }
            case let imp as ImportFromStmt: for n in imp.names { names.append(n.target.name) }
            case let d as DeleteStmt: d.targets.forEach(target)
            case let g as GlobalStmt:
                if g.isNonlocal { g.names.forEach { nonlocals.insert($0) } } else { g.names.forEach { globals.insert($0) } }
            case let e as ExprStmt: collectWalrus(e.expr, &names)
            case let y as YieldStmt: y.targets.forEach(target)
            default: break
            }
        }
    }

    private func collectWalrus(_ e: Expr, _ names: inout [String]) {
        if let n = e as? NamedExpr { names.append(n.target.name) }
    }

    // MARK: Functions

    private func resolveFunction(_ code: CodeUnit, defaults: [Expr?], parent: Scope) throws -> Scope {
        let scope = Scope(code: code, parent: parent, isModule: false)
        for p in code.parameters { scope.locals[p.name] = scope.newSlot(p.name) }
        if let v = code.varArgs { scope.locals[v] = scope.newSlot(v) }
        if let k = code.varKeywords { scope.locals[k] = scope.newSlot(k) }
        var names: [String] = []
        var globals: Set<String> = []
        var nonlocals: Set<String> = []
        collectBindings(code.body, into: &names, globals: &globals, nonlocals: &nonlocals)
        if markYields(code.body) { code.isGenerator = true }
        for g in globals where scope.locals[g] != nil {
            throw SyntaxError("name '\(g)' is parameter and global", file: code.file, location: code.body.first?.location ?? SourceLocation(line: 1, column: 0, endColumn: 1))
        }
        scope.declaredGlobal = globals
        scope.declaredNonlocal = nonlocals
        for n in names where scope.locals[n] == nil && !globals.contains(n) && !nonlocals.contains(n) {
            scope.locals[n] = scope.newSlot(n)
        }
        for n in nonlocals {
            var s: Scope? = parent
            var found = false
            while let outer = s, !outer.isModule {
                if outer.locals[n] != nil || outer.free.contains(where: { $0.name == n }) { found = true; break }
                s = outer.parent
            }
            if !found {
                throw SyntaxError("no binding for nonlocal '\(n)' found", file: code.file, location: code.body.first?.location ?? SourceLocation(line: 1, column: 0, endColumn: 1))
            }
        }
        try resolveBlock(code.body, scope)
        try finalize(scope)
        code.fastCallArity = code.isSimple ? code.parameters.count : -1
        return scope
    }

    private func finalize(_ scope: Scope) throws {
        let code = scope.code
        for (k, s) in scope.cellOrder.enumerated() { s.cellIndex = k }
        let cellCount = scope.cellOrder.count
        code.cellParameterSlots = scope.cellOrder.map { s in s.slot < code.parameters.count + (code.varArgs != nil ? 1 : 0) + (code.varKeywords != nil ? 1 : 0) ? s.slot : nil }
        code.freeVariableCount = scope.free.count
        code.frameSize = scope.slotCount
        for (node, s) in scope.uses { node.scope = s.isCell ? .cell(s.cellIndex) : .local(s.slot) }
        for (node, k) in scope.freeUses { node.scope = .cell(cellCount + k) }
        for pending in scope.pendingCaptures {
            pending.assign(pending.child.free.map { f in
                if f.outerScope === scope { return f.outer.cellIndex }
                return cellCount + scope.freeIndex(f.name, f.outer, f.outerScope)
            })
        }
    }

    // MARK: Names

    private func resolveName(_ node: NameExpr, _ scope: Scope, binding: Bool = false) {
        let name = node.name
        for level in scope.hidden.reversed() {
            if let s = level[name] {
                scope.uses.append((node, s))
                return
            }
        }
        if scope.declaredGlobal.contains(name) || (scope.isModule && scope.locals[name] == nil) {
            node.scope = .global(interp.globals.slot(for: name, builtins: interp.builtins))
            return
        }
        if let s = scope.locals[name] {
            scope.uses.append((node, s))
            return
        }
        if let k = scope.free.firstIndex(where: { $0.name == name }) {
            scope.freeUses.append((node, k))
            return
        }
        // Look outward through enclosing functions.
        var outerScope = scope.parent
        while let outer = outerScope, !outer.isModule {
            if !outer.declaredGlobal.contains(name) {
                var symbol = outer.locals[name]
                if symbol == nil {
                    for level in outer.hidden.reversed() { if let s = level[name] { symbol = s; break } }
                }
                if let symbol {
                    outer.markCell(symbol)
                    // Every function between the user and the owner passes the variable through.
                    threadFree(name, symbol, outer, from: scope)
                    scope.freeUses.append((node, scope.free.firstIndex { $0.name == name } ?? 0))
                    return
                }
                if outer.free.contains(where: { $0.name == name }) {
                    let f = outer.free.first { $0.name == name }!
                    threadFree(name, f.outer, f.outerScope, from: scope)
                    scope.freeUses.append((node, scope.free.firstIndex { $0.name == name } ?? 0))
                    return
                }
            } else {
                break
            }
            outerScope = outer.parent
        }
        node.scope = .global(interp.globals.slot(for: name, builtins: interp.builtins))
    }

    /// Adds a free variable to `scope` and every scope between it and the owner.
    private func threadFree(_ name: String, _ symbol: Symbol, _ owner: Scope, from scope: Scope) {
        var chain: [Scope] = []
        var s: Scope? = scope
        while let cur = s, cur !== owner {
            chain.append(cur)
            s = cur.parent
        }
        // Outermost intermediate first so each one's free var exists before its child needs it.
        for cur in chain.reversed() { _ = cur.freeIndex(name, symbol, owner) }
    }

    // MARK: Walking

    private func resolveBlock(_ body: [Stmt], _ scope: Scope) throws {
        for s in body { try resolveStmt(s, scope) }
    }

    private func resolveTarget(_ e: Expr, _ scope: Scope) throws {
        if scope.isModule, let n = e as? NameExpr, scope.hidden.allSatisfy({ $0[n.name] == nil }) {
            n.scope = .global(interp.globals.slot(for: n.name, builtins: interp.builtins))
            return
        }
        try resolveExpr(e, scope)
    }

    private func resolveStmt(_ s: Stmt, _ scope: Scope) throws {
        switch s {
        case let e as ExprStmt: try resolveExpr(e.expr, scope)
        case let a as AssignStmt:
            try resolveExpr(a.value, scope)
            for t in a.targets { try resolveTarget(t, scope) }
        case let a as AugAssignStmt:
            try resolveExpr(a.value, scope)
            try resolveTarget(a.target, scope)
        case let r as ReturnStmt: if let v = r.value { try resolveExpr(v, scope) }
        case let i as IfStmt:
            try resolveExpr(i.test, scope)
            try resolveBlock(i.body, scope)
            try resolveBlock(i.orElse, scope)
        case let w as WhileStmt:
            try resolveExpr(w.test, scope)
            try resolveBlock(w.body, scope)
            try resolveBlock(w.orElse, scope)
        case let f as ForStmt:
            try resolveExpr(f.iterable, scope)
            try resolveTarget(f.target, scope)
            try resolveBlock(f.body, scope)
            try resolveBlock(f.orElse, scope)
        case let f as FunctionDefStmt:
            for d in f.defaults { if let d { try resolveExpr(d, scope) } }
            for d in f.decorators { try resolveExpr(d, scope) }
            let child = try resolveFunction(f.code, defaults: f.defaults, parent: scope)
            scope.pendingCaptures.append((child, { f.captures = $0 }))
            try resolveTarget(f.target, scope)
        case let c as ClassDefStmt:
            for b in c.bases { try resolveExpr(b, scope) }
            for d in c.decorators { try resolveExpr(d, scope) }
            for stmt in c.body {
                switch stmt {
                case let f as FunctionDefStmt:
                    for d in f.defaults { if let d { try resolveExpr(d, scope) } }
                    for d in f.decorators { try resolveExpr(d, scope) }
                    let child = try resolveFunction(f.code, defaults: f.defaults, parent: scope)
                    scope.pendingCaptures.append((child, { f.captures = $0 }))
                case let a as AssignStmt:
                    try resolveExpr(a.value, scope)
                case is PassStmt: break
                case let y as YieldStmt:
                    throw SyntaxError("'yield' outside function", file: scope.code.file, location: y.location)
                case let e as ExprStmt: try resolveExpr(e.expr, scope)
                default: try resolveStmt(stmt, scope)
                }
            }
            try resolveTarget(c.target, scope)
        case let t as TryStmt:
            try resolveBlock(t.body, scope)
            for h in t.handlers {
                if let type = h.type { try resolveExpr(type, scope) }
                if let n = h.name { try resolveTarget(n, scope) }
                try resolveBlock(h.body, scope)
            }
            try resolveBlock(t.orElse, scope)
            try resolveBlock(t.finally, scope)
        case let r as RaiseStmt:
            if let e = r.exception { try resolveExpr(e, scope) }
            if let c = r.cause { try resolveExpr(c, scope) }
        case let w as WithStmt:
            for item in w.items {
                try resolveExpr(item.context, scope)
                if let t = item.target { try resolveTarget(t, scope) }
            }
            try resolveBlock(w.body, scope)
        case let y as YieldStmt:
            if let v = y.expr.value { try resolveExpr(v, scope) }
            for t in y.targets { try resolveTarget(t, scope) }
        case let a as AssertStmt:
            try resolveExpr(a.test, scope)
            if let m = a.message { try resolveExpr(m, scope) }
        case let d as DeleteStmt: for t in d.targets { try resolveTarget(t, scope) }
        case let imp as ImportStmt: for n in imp.names { try resolveTarget(n.target, scope) }
        case let imp as ImportFromStmt:
            if imp.star && !scope.isModule {
                throw SyntaxError("import * only allowed at module level", file: scope.code.file, location: imp.location)
            }
            for n in imp.names { try resolveTarget(n.target, scope) }
        default: break
        }
    }

    private func resolveExpr(_ e: Expr, _ scope: Scope) throws {
        switch e {
        case let n as NameExpr: resolveName(n, scope)
        case let b as BinaryExpr:
            try resolveExpr(b.left, scope)
            try resolveExpr(b.right, scope)
        case let u as UnaryExpr: try resolveExpr(u.operand, scope)
        case let b as BoolOpExpr: for v in b.values { try resolveExpr(v, scope) }
        case let c as CompareExpr:
            try resolveExpr(c.first, scope)
            for r in c.rest { try resolveExpr(r.expr, scope) }
        case let i as IfExpr:
            try resolveExpr(i.test, scope)
            try resolveExpr(i.body, scope)
            try resolveExpr(i.orElse, scope)
        case let a as AttributeExpr: try resolveExpr(a.object, scope)
        case let s as SubscriptExpr:
            try resolveExpr(s.object, scope)
            try resolveExpr(s.index, scope)
        case let s as SliceExpr:
            if let l = s.lower { try resolveExpr(l, scope) }
            if let u = s.upper { try resolveExpr(u, scope) }
            if let st = s.step { try resolveExpr(st, scope) }
        case let s as StarredExpr: try resolveExpr(s.value, scope)
        case let t as TupleExpr: for x in t.elements { try resolveExpr(x, scope) }
        case let l as ListExpr: for x in l.elements { try resolveExpr(x, scope) }
        case let s as SetExpr: for x in s.elements { try resolveExpr(x, scope) }
        case let d as DictExpr:
            for entry in d.entries {
                if let k = entry.key { try resolveExpr(k, scope) }
                try resolveExpr(entry.value, scope)
            }
        case let c as CallExpr:
            try resolveExpr(c.function, scope)
            for a in c.arguments {
                switch a {
                case .positional(let x), .star(let x), .keyword(_, let x), .doubleStar(let x): try resolveExpr(x, scope)
                }
            }
        case let n as NamedExpr:
            try resolveExpr(n.value, scope)
            if !scope.isModule && scope.locals[n.target.name] == nil && !scope.declaredGlobal.contains(n.target.name) {
                scope.locals[n.target.name] = scope.newSlot(n.target.name)
            }
            try resolveTarget(n.target, scope)
        case let l as LambdaExpr:
            for d in l.defaults { try resolveExpr(d, scope) }
            let child = try resolveFunction(l.code, defaults: l.defaults, parent: scope)
            scope.pendingCaptures.append((child, { l.captures = $0 }))
        case let f as FStringExpr:
            for p in f.parts {
                if case .field(let x, _, let spec, _) = p {
                    try resolveExpr(x, scope)
                    if let spec { try resolveExpr(spec, scope) }
                }
            }
        case let y as YieldExpr:
            if scope.isModule || scope.code.isLambda {
                throw SyntaxError("'yield' outside function", file: scope.code.file, location: y.location)
            }
            throw SyntaxError("'yield' inside an expression is not supported in .sfs: use it as a statement or assign it (x = yield value)",
                file: scope.code.file, location: y.location)
        case let c as ComprehensionExpr where c.kind == .generator:
            try resolveGeneratorExpression(c, scope)
        case let c as ComprehensionExpr:
            // The first iterable is evaluated in the enclosing scope; the loop variables live in
            // hidden slots so they do not leak, as in Python 3.
            var level: [String: Symbol] = [:]
            for (k, clause) in c.clauses.enumerated() {
                if k == 0 { try resolveExpr(clause.iterable, scope) }
                var names: [String] = []
                collectTargetNames(clause.target, &names)
                for n in names where level[n] == nil { level[n] = scope.newSlot(n + "<comp>") }
                scope.hidden.append(level)
                if k > 0 { try resolveExpr(clause.iterable, scope) }
                try resolveExpr(clause.target, scope)
                for cond in clause.conditions { try resolveExpr(cond, scope) }
                scope.hidden.removeLast()
            }
            scope.hidden.append(level)
            try resolveExpr(c.element, scope)
            if let v = c.valueElement { try resolveExpr(v, scope) }
            scope.hidden.removeLast()
        default: break
        }
    }

    // MARK: Generators

    /// Marks every statement of a function body that contains a `yield` (not looking into nested
    /// functions and classes); true when the body has one, which makes the function a generator.
    @discardableResult
    private func markYields(_ body: [Stmt]) -> Bool {
        var found = false
        for s in body {
            let inside: Bool
            switch s {
            case is YieldStmt: inside = true
            case let x as IfStmt: inside = markYields(in: [x.body, x.orElse])
            case let w as WhileStmt: inside = markYields(in: [w.body, w.orElse])
            case let f as ForStmt: inside = markYields(in: [f.body, f.orElse])
            case let w as WithStmt: inside = markYields(w.body)
            case let t as TryStmt: inside = markYields(in: [t.body, t.orElse, t.finally] + t.handlers.map(\.body))
            default: inside = false
            }
            if inside {
                s.containsYield = true
                found = true
            }
        }
        return found
    }

    /// Marks all the blocks (every one of them, not stopping at the first with a `yield`).
    private func markYields(in blocks: [[Stmt]]) -> Bool {
        var found = false
        for b in blocks where markYields(b) { found = true }
        return found
    }

    /// The first `yield` statement of a block (for the "outside function" error).
    private func firstYield(_ body: [Stmt]) -> YieldStmt? {
        for s in body {
            switch s {
            case let y as YieldStmt: return y
            case let x as IfStmt: if let y = firstYield(x.body) ?? firstYield(x.orElse) { return y }
            case let w as WhileStmt: if let y = firstYield(w.body) ?? firstYield(w.orElse) { return y }
            case let f as ForStmt: if let y = firstYield(f.body) ?? firstYield(f.orElse) { return y }
            case let w as WithStmt: if let y = firstYield(w.body) { return y }
            case let t as TryStmt:
                if let y = firstYield(t.body) ?? firstYield(t.orElse) ?? firstYield(t.finally) { return y }
                for h in t.handlers { if let y = firstYield(h.body) { return y } }
            default: break
            }
        }
        return nil
    }

    /// `(element for x in a if c for y in b)` becomes, as in CPython, a generator function of the
    /// first iterable: `def <genexpr>(.0): for x in .0: if c: for y in b: yield element`.
    private func resolveGeneratorExpression(_ c: ComprehensionExpr, _ scope: Scope) throws {
        try resolveExpr(c.clauses[0].iterable, scope)
        let loc = c.location
        let code = CodeUnit(name: "<genexpr>", file: scope.code.file)
        code.parameters = [ParameterSpec(name: ".0", defaultValue: nil)]
        var body: [Stmt] = [YieldStmt(YieldExpr(c.element, isFrom: false, loc), targets: [], loc)]
        for (k, clause) in c.clauses.enumerated().reversed() {
            for cond in clause.conditions.reversed() { body = [IfStmt(cond, body, [], loc)] }
            let iterable: Expr = k == 0 ? NameExpr(".0", loc) : clause.iterable
            body = [ForStmt(clause.target, iterable, body, [], loc)]
        }
        code.body = body
        let child = try resolveFunction(code, defaults: [], parent: scope)
        scope.pendingCaptures.append((child, { c.captures = $0 }))
        c.generatorCode = code
    }

    private func collectTargetNames(_ e: Expr, _ names: inout [String]) {
        switch e {
        case let n as NameExpr: names.append(n.name)
        case let t as TupleExpr: for x in t.elements { collectTargetNames(x, &names) }
        case let l as ListExpr: for x in l.elements { collectTargetNames(x, &names) }
        case let s as StarredExpr: collectTargetNames(s.value, &names)
        default: break
        }
    }
}
