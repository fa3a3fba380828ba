// MARK: - Parser
//
// Recursive descent over the token list, following Python's grammar for the subset `.sfs`
// supports. Error messages use CPython 3.11's wording where a common mistake has one.

/// Extra statements the resolver needs to see.
final class GlobalStmt: Stmt {
    let names: [String]
    let isNonlocal: Bool
    init(_ names: [String], nonlocal: Bool, _ loc: SourceLocation) {
        self.names = names
        self.isNonlocal = nonlocal
        super.init(loc)
    }
}

/// `x := value`.
final class NamedExpr: Expr {
    let target: NameExpr
    let value: Expr
    init(_ target: NameExpr, _ value: Expr, _ loc: SourceLocation) {
        self.target = target
        self.value = value
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let v = try value.eval(i)
        try target.assign(v, i)
        return v
    }
}

struct Parser {
    var tokens: [Token]
    var pos = 0
    let file: String
    var nesting = 0
    var functionDepth = 0
    var loopDepth = 0

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    /// Parses a whole module.
    static func parseModule(_ source: String, file: String) throws -> [Stmt] {
        var p = Parser(tokens: try Lexer.tokenize(source, file: file), file: file)
        var body: [Stmt] = []
        while p.peek.kind != .eof {
            if p.peek.kind == .newline { p.pos += 1; continue }
            if p.peek.kind == .indent { throw p.error("unexpected indent", kind: "IndentationError") }
            body.append(contentsOf: try p.parseStatement())
        }
        return body
    }

    // MARK: Token helpers

    var peek: Token { tokens[pos] }
    func peek(_ offset: Int) -> Token { tokens[min(pos + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    func error(_ message: String, at token: Token? = nil, kind: String = "SyntaxError") -> SyntaxError {
        let t = token ?? peek
        var loc = t.location
        if loc.endColumn <= loc.column { loc.endColumn = loc.column + 1 }
        return SyntaxError(message, file: file, location: loc, kind: kind)
    }

    func invalid(_ token: Token? = nil) -> SyntaxError {
        let t = token ?? peek
        if t.kind == .indent { return error("unexpected indent", at: t, kind: "IndentationError") }
        if t.kind == .eof || t.kind == .newline && t.text.isEmpty && t.kind == .eof { return error("invalid syntax", at: t) }
        return error("invalid syntax", at: t)
    }

    mutating func accept(_ op: String) -> Bool {
        if peek.kind == .op && peek.text == op {
            advance()
            return true
        }
        return false
    }
    mutating func acceptKeyword(_ k: String) -> Bool {
        if peek.kind == .name && peek.text == k {
            advance()
            return true
        }
        return false
    }
    mutating func expect(_ op: String) throws {
        guard accept(op) else {
            if op == ":" { throw error("expected ':'") }
            throw invalid()
        }
    }
    mutating func expectName() throws -> Token {
        guard peek.kind == .name, !reservedWords.contains(peek.text) else { throw invalid() }
        return advance()
    }

    /// A location from `start` to the end of the last consumed token (same line only).
    func span(_ start: SourceLocation) -> SourceLocation {
        var loc = start
        let last = tokens[max(0, pos - 1)].location
        loc.endColumn = last.line == start.line ? max(last.endColumn, start.column + 1) : start.column + 1
        return loc
    }

    // MARK: Statements

    mutating func parseStatement() throws -> [Stmt] {
        let t = peek
        if t.kind == .name {
            switch t.text {
            case "if": return [try parseIf()]
            case "while": return [try parseWhile()]
            case "for": return [try parseFor()]
            case "try": return [try parseTry()]
            case "with": return [try parseWith()]
            case "def": return [try parseDef(decorators: [])]
            case "class": return [try parseClass(decorators: [])]
            default: break
            }
        }
        if t.isOp("@") { return [try parseDecorated()] }
        return try parseSimpleStatements()
    }

    /// `stmt; stmt; …` NEWLINE.
    mutating func parseSimpleStatements() throws -> [Stmt] {
        var out: [Stmt] = []
        while true {
            out.append(try parseSimpleStatement())
            if accept(";") {
                if peek.kind == .newline { break }
                continue
            }
            break
        }
        guard peek.kind == .newline || peek.kind == .eof else {
            throw invalid()
        }
        advance()
        return out
    }

    mutating func parseBlock(_ header: String, line: Int) throws -> [Stmt] {
        try expect(":")
        if peek.kind == .newline {
            advance()
            guard peek.kind == .indent else {
                throw error("expected an indented block after \(header) on line \(line)", kind: "IndentationError")
            }
            advance()
            var body: [Stmt] = []
            while peek.kind != .dedent && peek.kind != .eof {
                if peek.kind == .newline { advance(); continue }
                body.append(contentsOf: try parseStatement())
            }
            if peek.kind == .dedent { advance() }
            return body
        }
        return try parseSimpleStatements()
    }

    mutating func parseSimpleStatement() throws -> Stmt {
        let t = peek
        let loc = t.location
        if t.kind == .name {
            switch t.text {
            case "pass":
                advance()
                return PassStmt(loc)
            case "break":
                advance()
                if loopDepth == 0 { throw error("'break' outside loop", at: t) }
                return BreakStmt(loc)
            case "continue":
                advance()
                if loopDepth == 0 { throw error("'continue' not properly in loop", at: t) }
                return ContinueStmt(loc)
            case "return":
                advance()
                if functionDepth == 0 { throw error("'return' outside function", at: t) }
                if peek.kind == .newline || peek.isOp(";") { return ReturnStmt(nil, loc) }
                return ReturnStmt(try parseStarExpressions(), loc)
            case "raise":
                advance()
                if peek.kind == .newline || peek.isOp(";") { return RaiseStmt(nil, cause: nil, loc) }
                let e = try parseExpression()
                let cause = acceptKeyword("from") ? try parseExpression() : nil
                return RaiseStmt(e, cause: cause, loc)
            case "global", "nonlocal":
                advance()
                var names = [try expectName().text]
                while accept(",") { names.append(try expectName().text) }
                if t.text == "nonlocal" && functionDepth == 0 {
                    throw error("nonlocal declaration not allowed at module level", at: t)
                }
                return GlobalStmt(names, nonlocal: t.text == "nonlocal", loc)
            case "del":
                advance()
                var targets = [try parseTargetAtom()]
                while accept(",") {
                    if peek.kind == .newline { break }
                    targets.append(try parseTargetAtom())
                }
                for target in targets { try checkTarget(target, deleting: true) }
                return DeleteStmt(targets, loc)
            case "assert":
                advance()
                let test = try parseExpression()
                let msg = accept(",") ? try parseExpression() : nil
                return AssertStmt(test, msg, loc)
            case "import": return try parseImport()
            case "from": return try parseFromImport()
            default: break
            }
        }
        let first = try parseStarExpressions(allowStar: true)
        if peek.isOp("=") {
            var targets = [first]
            var value: Expr = first
            while accept("=") {
                value = peek.isKeyword("yield") ? try parseYield() : try parseStarExpressions(allowStar: true)
                targets.append(value)
            }
            targets.removeLast()
            for target in targets { try checkTarget(target) }
            if let y = value as? YieldExpr { return YieldStmt(y, targets: targets, loc) }
            return AssignStmt(targets, value, loc)
        }
        if peek.kind == .op, let op = Parser.augmentedOperators[peek.text] {
            let opToken = advance()
            guard first is NameExpr || first is AttributeExpr || first is SubscriptExpr else {
                if first is TupleExpr { throw error("'tuple' is an illegal expression for augmented assignment", at: t) }
                throw error("'\(describe(first))' is an illegal expression for augmented assignment", at: t)
            }
            _ = opToken
            let value = try parseStarExpressions()
            return AugAssignStmt(first, op, value, loc)
        }
        if peek.isOp(":") {
            // Annotated assignment: the annotation is parsed and ignored.
            advance()
            _ = try parseExpression()
            if accept("=") {
                let value = try parseStarExpressions()
                try checkTarget(first)
                return AssignStmt([first], value, loc)
            }
            return PassStmt(loc)
        }
        if let y = first as? YieldExpr { return YieldStmt(y, targets: [], loc) }
        return ExprStmt(first, loc)
    }

    static let augmentedOperators: [String: BinaryOperator] = [
        "+=": .add, "-=": .subtract, "*=": .multiply, "/=": .divide, "//=": .floorDivide, "%=": .modulo,
        "**=": .power, "@=": .matmul, "&=": .bitAnd, "|=": .bitOr, "^=": .bitXor, "<<=": .leftShift, ">>=": .rightShift,
    ]

    func describe(_ e: Expr) -> String {
        switch e {
        case is CallExpr: return "function call"
        case let c as ConstantExpr:
            if case .none = c.value { return "None" }
            if case .bool(let b) = c.value { return b ? "True" : "False" }
            if case .object = c.value { return "ellipsis" }
            return "literal"
        case is BinaryExpr, is UnaryExpr: return "expression"
        case is CompareExpr: return "comparison"
        case is BoolOpExpr: return "expression"
        case is LambdaExpr: return "lambda"
        case is IfExpr: return "conditional expression"
        case is FStringExpr: return "f-string expression"
        case is DictExpr: return "dict literal"
        case is SetExpr: return "set display"
        case let c as ComprehensionExpr:
            switch c.kind {
            case .list: return "list comprehension"
            case .dict: return "dict comprehension"
            case .set: return "set comprehension"
            case .generator: return "generator expression"
            }
        case is NamedExpr: return "named expression"
        default: return "expression"
        }
    }

    func checkTarget(_ e: Expr, deleting: Bool = false) throws {
        switch e {
        case let n as NameExpr:
            if n.name == "__debug__" { throw SyntaxError("cannot assign to __debug__", file: file, location: n.location) }
        case is AttributeExpr, is SubscriptExpr: break
        case let t as TupleExpr: for x in t.elements { try checkTarget(x, deleting: deleting) }
        case let l as ListExpr: for x in l.elements { try checkTarget(x, deleting: deleting) }
        case let s as StarredExpr where !deleting: try checkTarget(s.value)
        default:
            var loc = e.location
            if loc.endColumn <= loc.column { loc.endColumn = loc.column + 1 }
            let what = describe(e)
            if deleting { throw SyntaxError("cannot delete \(what)", file: file, location: loc) }
            let hint = (what == "literal" || what == "function call" || what == "expression" || what == "True" || what == "False" || what == "None" || what == "comparison") && !(e is CompareExpr) ? " here. Maybe you meant '==' instead of '='?" : ""
            throw SyntaxError("cannot assign to \(what)\(hint)", file: file, location: loc)
        }
    }

    mutating func parseImport() throws -> Stmt {
        let loc = advance().location
        var names: [(String, NameExpr, Bool)] = []
        repeat {
            let start = peek.location
            let dotted = try parseDottedName()
            if acceptKeyword("as") {
                let alias = try expectName()
                names.append((dotted, NameExpr(alias.text, alias.location), true))
            } else {
                let top = String(dotted.split(separator: ".")[0])
                names.append((dotted, NameExpr(top, start), !dotted.contains(".")))
            }
        } while accept(",")
        return ImportStmt(names, loc)
    }

    mutating func parseDottedName() throws -> String {
        var name = try expectName().text
        while accept(".") { name += "." + (try expectName().text) }
        return name
    }

    mutating func parseFromImport() throws -> Stmt {
        let loc = advance().location
        var module = ""
        while peek.isOp(".") || peek.isOp("...") { module += advance().text }
        if !peek.isKeyword("import") { module += try parseDottedName() }
        guard acceptKeyword("import") else { throw invalid() }
        if accept("*") { return ImportFromStmt(module, [], star: true, loc) }
        let parenthesized = accept("(")
        var names: [(String, NameExpr)] = []
        repeat {
            if parenthesized && peek.isOp(")") { break }
            let n = try expectName()
            if acceptKeyword("as") {
                let alias = try expectName()
                names.append((n.text, NameExpr(alias.text, alias.location)))
            } else {
                names.append((n.text, NameExpr(n.text, n.location)))
            }
        } while accept(",")
        if parenthesized { try expect(")") }
        if names.isEmpty { throw invalid() }
        return ImportFromStmt(module, names, star: false, loc)
    }

    // MARK: Compound statements

    mutating func parseIf() throws -> Stmt {
        let t = advance()
        let test = try parseNamedExpression()
        let body = try parseBlock("'\(t.text)' statement", line: t.line)
        var orElse: [Stmt] = []
        if peek.isKeyword("elif") {
            orElse = [try parseIf()]
        } else if peek.isKeyword("else") {
            let e = advance()
            orElse = try parseBlock("'else' statement", line: e.line)
        }
        return IfStmt(test, body, orElse, t.location)
    }

    mutating func parseWhile() throws -> Stmt {
        let t = advance()
        let test = try parseNamedExpression()
        loopDepth += 1
        let body = try parseBlock("'while' statement", line: t.line)
        loopDepth -= 1
        var orElse: [Stmt] = []
        if peek.isKeyword("else") {
            let e = advance()
            orElse = try parseBlock("'else' statement", line: e.line)
        }
        return WhileStmt(test, body, orElse, t.location)
    }

    mutating func parseFor() throws -> Stmt {
        let t = advance()
        let target = try parseTargetList()
        try checkTarget(target)
        guard acceptKeyword("in") else { throw invalid() }
        let iterable = try parseStarExpressions()
        loopDepth += 1
        let body = try parseBlock("'for' statement", line: t.line)
        loopDepth -= 1
        var orElse: [Stmt] = []
        if peek.isKeyword("else") {
            let e = advance()
            orElse = try parseBlock("'else' statement", line: e.line)
        }
        return ForStmt(target, iterable, body, orElse, t.location)
    }

    /// `a`, `a, b`, `(a, b), *c` — targets of `for` and comprehensions.
    mutating func parseTargetList() throws -> Expr {
        let start = peek.location
        var items: [Expr] = []
        var trailingComma = false
        repeat {
            if peek.isKeyword("in") { break }
            if accept("*") {
                items.append(StarredExpr(try parseBitOr(), start))
            } else {
                items.append(try parseBitOr())
            }
            trailingComma = peek.isOp(",")
        } while accept(",")
        if items.count == 1 && !trailingComma { return items[0] }
        return TupleExpr(items, span(start))
    }

    mutating func parseTargetAtom() throws -> Expr { try parseBitOr() }

    mutating func parseTry() throws -> Stmt {
        let t = advance()
        let body = try parseBlock("'try' statement", line: t.line)
        var handlers: [ExceptHandler] = []
        var orElse: [Stmt] = []
        var finally: [Stmt] = []
        while peek.isKeyword("except") {
            let e = advance()
            var type: Expr?
            var name: NameExpr?
            if !peek.isOp(":") {
                type = try parseExpression()
                if peek.isOp(",") {
                    var items = [type!]
                    while accept(",") { items.append(try parseExpression()) }
                    throw error("multiple exception types must be parenthesized", at: tokens[pos])
                }
                if acceptKeyword("as") {
                    let n = try expectName()
                    name = NameExpr(n.text, n.location)
                }
            }
            handlers.append(ExceptHandler(type: type, name: name, body: try parseBlock("'except' statement", line: e.line), location: e.location))
        }
        if peek.isKeyword("else") {
            let e = advance()
            orElse = try parseBlock("'else' statement", line: e.line)
        }
        if peek.isKeyword("finally") {
            let f = advance()
            finally = try parseBlock("'finally' statement", line: f.line)
        }
        if handlers.isEmpty && finally.isEmpty { throw error("expected 'except' or 'finally' block") }
        return TryStmt(body: body, handlers: handlers, orElse: orElse, finally: finally, t.location)
    }

    mutating func parseWith() throws -> Stmt {
        let t = advance()
        var items: [(Expr, Expr?)] = []
        // `with (a as b, c as d):` (parenthesized items).
        if peek.isOp("("), let close = matchingParen(pos), tokens[close + 1].isOp(":"), tokensContainAs(pos, close) {
            advance()
            repeat {
                if peek.isOp(")") { break }
                let e = try parseExpression()
                var target: Expr?
                if acceptKeyword("as") {
                    target = try parseTargetAtom()
                    try checkTarget(target!)
                }
                items.append((e, target))
            } while accept(",")
            try expect(")")
        } else {
            repeat {
                let e = try parseExpression()
                var target: Expr?
                if acceptKeyword("as") {
                    target = try parseTargetAtom()
                    try checkTarget(target!)
                }
                items.append((e, target))
            } while accept(",")
        }
        let body = try parseBlock("'with' statement", line: t.line)
        return WithStmt(items, body, t.location)
    }

    func matchingParen(_ open: Int) -> Int? {
        var depth = 0
        var k = open
        while k < tokens.count {
            let tk = tokens[k]
            if tk.kind == .op {
                if tk.text == "(" || tk.text == "[" || tk.text == "{" { depth += 1 }
                if tk.text == ")" || tk.text == "]" || tk.text == "}" {
                    depth -= 1
                    if depth == 0 { return k + 1 < tokens.count ? k : nil }
                }
            }
            if tk.kind == .eof { return nil }
            k += 1
        }
        return nil
    }
    func tokensContainAs(_ a: Int, _ b: Int) -> Bool { tokens[a...b].contains { $0.isKeyword("as") } }

    mutating func parseDecorated() throws -> Stmt {
        var decorators: [Expr] = []
        while accept("@") {
            decorators.append(try parseNamedExpression())
            guard peek.kind == .newline else { throw invalid() }
            advance()
        }
        if peek.isKeyword("def") { return try parseDef(decorators: decorators) }
        if peek.isKeyword("class") { return try parseClass(decorators: decorators) }
        throw invalid()
    }

    mutating func parseParameters(_ code: CodeUnit, closing: String) throws -> [Expr?] {
        var defaults: [Expr?] = []
        var seenDefault = false
        var names = Set<String>()
        func add(_ name: Token) throws {
            if names.contains(name.text) {
                throw error("duplicate argument '\(name.text)' in function definition", at: name)
            }
            names.insert(name.text)
        }
        while !peek.isOp(closing) {
            if accept("/") {
                if !accept(",") { break }
                continue
            }
            if accept("**") {
                let n = try expectName()
                try add(n)
                if accept(":") { _ = try parseExpression() }
                code.varKeywords = n.text
                _ = accept(",")
                break
            }
            if accept("*") {
                if peek.kind == .name {
                    let n = try expectName()
                    try add(n)
                    if closing == ")" && accept(":") { _ = try parseExpression() }
                    code.varArgs = n.text
                }
                code.keywordOnlyStart = code.parameters.count
                if !accept(",") { break }
                continue
            }
            let n = try expectName()
            try add(n)
            if closing == ")" && accept(":") { _ = try parseExpression() }
            var d: Expr?
            if accept("=") {
                d = try parseExpression()
                seenDefault = true
            } else if seenDefault && code.keywordOnlyStart == nil {
                throw error("non-default argument follows default argument", at: n)
            }
            code.parameters.append(ParameterSpec(name: n.text, defaultValue: d))
            defaults.append(d)
            if !accept(",") { break }
        }
        return defaults
    }

    mutating func parseDef(decorators: [Expr]) throws -> Stmt {
        let t = advance()
        let name = try expectName()
        let code = CodeUnit(name: name.text, file: file)
        try expect("(")
        let defaults = try parseParameters(code, closing: ")")
        try expect(")")
        if accept("->") { _ = try parseExpression() }
        functionDepth += 1
        let savedLoops = loopDepth
        loopDepth = 0
        defer {
            functionDepth -= 1
            loopDepth = savedLoops
        }
        code.body = try parseBlock("function definition", line: t.line)
        code.docstring = docstring(code.body)
        return FunctionDefStmt(code, defaults: defaults, decorators: decorators, target: NameExpr(name.text, name.location), t.location)
    }

    func docstring(_ body: [Stmt]) -> String? {
        if let first = body.first as? ExprStmt, let c = first.expr as? ConstantExpr, case .str(let s) = c.value { return s }
        return nil
    }

    mutating func parseClass(decorators: [Expr]) throws -> Stmt {
        let t = advance()
        let name = try expectName()
        var bases: [Expr] = []
        if accept("(") {
            while !peek.isOp(")") {
                if peek.kind == .name && peek(1).isOp("=") {
                    advance()
                    advance()
                    _ = try parseExpression()
                } else {
                    bases.append(try parseExpression())
                }
                if !accept(",") { break }
            }
            try expect(")")
        }
        let savedLoops = loopDepth
        loopDepth = 0
        defer { loopDepth = savedLoops }
        let body = try parseBlock("class definition", line: t.line)
        let target = NameExpr(name.text, name.location)
        let c = ClassDefStmt(name.text, bases: bases, body: body, target: target, docstring: docstring(body), t.location)
        c.decorators = decorators
        return c
    }

    /// `yield`, `yield value`, `yield a, b`, `yield from iterable` (the statement forms are made
    /// into ``YieldStmt`` by the statement parser; anywhere else the resolver reports it).
    mutating func parseYield() throws -> Expr {
        let t = advance()
        if peek.isKeyword("from") {
            advance()
            return YieldExpr(try parseExpression(), isFrom: true, t.location)
        }
        if peek.kind == .newline || peek.kind == .eof || peek.isOp(")") || peek.isOp("]") || peek.isOp("}")
            || peek.isOp("=") || peek.isOp(";") {
            return YieldExpr(nil, isFrom: false, t.location)
        }
        return YieldExpr(try parseStarExpressions(allowStar: true), isFrom: false, t.location)
    }
}
