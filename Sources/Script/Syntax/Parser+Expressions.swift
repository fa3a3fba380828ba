// MARK: - Expressions (precedence climbing as in Python's grammar)

extension Parser {
    /// `a, b, *c` without brackets: a tuple when there is a comma.
    mutating func parseStarExpressions(allowStar: Bool = true) throws -> Expr {
        let start = peek.location
        let first = try parseStarItem()
        guard peek.isOp(",") else {
            if first is StarredExpr { throw error("can't use starred expression here", at: tokens[pos - 1]) }
            return first
        }
        var items = [first]
        while accept(",") {
            if isExpressionEnd { break }
            items.append(try parseStarItem())
        }
        return TupleExpr(items, span(start))
    }

    var isExpressionEnd: Bool {
        let t = peek
        if t.kind == .newline || t.kind == .eof { return true }
        if t.kind == .op { return ["=", ")", "]", "}", ":", ";"].contains(t.text) || Parser.augmentedOperators[t.text] != nil }
        return false
    }

    mutating func parseStarItem() throws -> Expr {
        if peek.isOp("*") {
            let t = advance()
            return StarredExpr(try parseBitOr(), t.location)
        }
        return try parseNamedExpression()
    }

    /// An expression that may be `name := value`.
    mutating func parseNamedExpression() throws -> Expr {
        if peek.kind == .name && peek(1).isOp(":=") {
            let n = try expectName()
            advance()
            let value = try parseExpression()
            return NamedExpr(NameExpr(n.text, n.location), value, n.location)
        }
        return try parseExpression()
    }

    mutating func parseExpression() throws -> Expr {
        if peek.isKeyword("lambda") { return try parseLambda() }
        let start = peek.location
        let body = try parseOr()
        if peek.isKeyword("if") {
            advance()
            let test = try parseOr()
            guard acceptKeyword("else") else { throw error("expected 'else' after 'if' expression") }
            let orElse = try parseExpression()
            return IfExpr(test, body, orElse, span(start))
        }
        return body
    }

    mutating func parseLambda() throws -> Expr {
        let t = advance()
        let code = CodeUnit(name: "<lambda>", file: file, isLambda: true)
        let defaults = try parseParameters(code, closing: ":")
        try expect(":")
        functionDepth += 1
        defer { functionDepth -= 1 }
        let body = try parseExpression()
        code.body = [ReturnStmt(body, body.location)]
        return LambdaExpr(code, defaults: defaults.compactMap { $0 }, span(t.location))
    }

    mutating func parseOr() throws -> Expr {
        let start = peek.location
        let first = try parseAnd()
        guard peek.isKeyword("or") else { return first }
        var values = [first]
        while acceptKeyword("or") { values.append(try parseAnd()) }
        return BoolOpExpr(isAnd: false, values, span(start))
    }

    mutating func parseAnd() throws -> Expr {
        let start = peek.location
        let first = try parseNot()
        guard peek.isKeyword("and") else { return first }
        var values = [first]
        while acceptKeyword("and") { values.append(try parseNot()) }
        return BoolOpExpr(isAnd: true, values, span(start))
    }

    mutating func parseNot() throws -> Expr {
        if peek.isKeyword("not") {
            let t = advance()
            try enterNesting()
            defer { nesting -= 1 }
            return UnaryExpr(.not, try parseNot(), span(t.location))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expr {
        let start = peek.location
        let first = try parseBitOr()
        var rest: [(CompareOp, Expr)] = []
        while true {
            let t = peek
            var op: CompareOp?
            if t.kind == .op {
                switch t.text {
                case "<": op = .rich(.less)
                case ">": op = .rich(.greater)
                case "==": op = .rich(.equal)
                case "!=": op = .rich(.notEqual)
                case "<=": op = .rich(.lessEqual)
                case ">=": op = .rich(.greaterEqual)
                default: break
                }
                if op != nil { advance() }
            } else if t.isKeyword("in") {
                advance()
                op = .isIn
            } else if t.isKeyword("not") && peek(1).isKeyword("in") {
                advance()
                advance()
                op = .notIn
            } else if t.isKeyword("is") {
                advance()
                op = acceptKeyword("not") ? .isNot : .isSame
            }
            guard let op else { break }
            rest.append((op, try parseBitOr()))
        }
        if rest.isEmpty { return first }
        if rest.count == 1, case .rich(let op) = rest[0].0 {
            return BinaryExpr(op, first, rest[0].1, span(start))
        }
        return CompareExpr(first, rest, span(start))
    }

    mutating func parseBinary(_ ops: [String: BinaryOperator], _ next: (inout Parser) throws -> Expr) throws -> Expr {
        let start = peek.location
        var left = try next(&self)
        while peek.kind == .op, let op = ops[peek.text] {
            advance()
            let right = try next(&self)
            left = BinaryExpr(op, left, right, span(start))
        }
        return left
    }

    mutating func parseBitOr() throws -> Expr { try parseBinary(["|": .bitOr]) { try $0.parseBitXor() } }
    mutating func parseBitXor() throws -> Expr { try parseBinary(["^": .bitXor]) { try $0.parseBitAnd() } }
    mutating func parseBitAnd() throws -> Expr { try parseBinary(["&": .bitAnd]) { try $0.parseShift() } }
    mutating func parseShift() throws -> Expr { try parseBinary(["<<": .leftShift, ">>": .rightShift]) { try $0.parseArith() } }
    mutating func parseArith() throws -> Expr { try parseBinary(["+": .add, "-": .subtract]) { try $0.parseTerm() } }
    mutating func parseTerm() throws -> Expr {
        try parseBinary(["*": .multiply, "/": .divide, "//": .floorDivide, "%": .modulo, "@": .matmul]) { try $0.parseFactor() }
    }

    mutating func enterNesting() throws {
        nesting += 1
        if nesting > 200 { throw error("too many nested parentheses") }
    }

    mutating func parseFactor() throws -> Expr {
        let t = peek
        if t.kind == .op, t.text == "-" || t.text == "+" || t.text == "~" {
            advance()
            try enterNesting()
            defer { nesting -= 1 }
            let operand = try parseFactor()
            // Fold negative numeric literals so `-9223372036854775808` and `-1` are constants.
            if t.text == "-", let c = operand as? ConstantExpr {
                if case .int(let i) = c.value {
                    // Int.min here is the literal 9223372036854775808, only legal negated.
                    return ConstantExpr(.int(i == Int.min ? Int.min : -i), span(t.location))
                }
                if case .float(let d) = c.value { return ConstantExpr(.float(-d), span(t.location)) }
            }
            return UnaryExpr(t.text == "-" ? .negate : t.text == "+" ? .plus : .invert, operand, span(t.location))
        }
        return try parsePower()
    }

    mutating func parsePower() throws -> Expr {
        let start = peek.location
        if peek.isKeyword("await") { throw error("'await' is not supported") }
        let base = try parsePrimary()
        if accept("**") {
            try enterNesting()
            defer { nesting -= 1 }
            let exponent = try parseFactor()
            return BinaryExpr(.power, base, exponent, span(start))
        }
        return base
    }

    mutating func parsePrimary() throws -> Expr {
        let start = peek.location
        var e = try parseAtom()
        while true {
            if accept(".") {
                let n = try expectName()
                e = AttributeExpr(e, n.text, span(start))
            } else if peek.isOp("(") {
                advance()
                let args = try parseCallArguments()
                e = CallExpr(e, args, span(start))
            } else if peek.isOp("[") {
                advance()
                let index = try parseSubscript()
                try expect("]")
                e = SubscriptExpr(e, index, span(start))
            } else {
                break
            }
        }
        return e
    }

    mutating func parseCallArguments() throws -> [CallArgument] {
        var args: [CallArgument] = []
        var seenKeyword = false
        while !peek.isOp(")") {
            if accept("*") {
                args.append(.star(try parseExpression()))
            } else if accept("**") {
                args.append(.doubleStar(try parseExpression()))
                seenKeyword = true
            } else if peek.kind == .name && peek(1).isOp("=") && !reservedWords.contains(peek.text) {
                let n = advance()
                advance()
                args.append(.keyword(n.text, try parseExpression()))
                seenKeyword = true
            } else {
                let t = peek
                let e = try parseNamedExpression()
                if peek.isKeyword("for") {
                    let comp = try parseComprehension(.generator, e, value: nil, start: e.location)
                    args.append(.positional(comp))
                    if !accept(",") { break }
                    continue
                }
                if peek.isOp("=") {
                    throw error("expression cannot contain assignment, perhaps you meant \"==\"?", at: t)
                }
                if seenKeyword {
                    throw error("positional argument follows keyword argument", at: t)
                }
                args.append(.positional(e))
            }
            if !accept(",") { break }
        }
        guard accept(")") else {
            throw invalid()
        }
        return args
    }

    mutating func parseSubscript() throws -> Expr {
        let start = peek.location
        var items: [Expr] = []
        var trailingComma = false
        repeat {
            if peek.isOp("]") { break }
            items.append(try parseSliceItem())
            trailingComma = peek.isOp(",")
        } while accept(",")
        if items.isEmpty { throw invalid() }
        if items.count == 1 && !trailingComma { return items[0] }
        return TupleExpr(items, span(start))
    }

    mutating func parseSliceItem() throws -> Expr {
        let start = peek.location
        if peek.isOp("*") {
            let t = advance()
            return StarredExpr(try parseBitOr(), t.location)
        }
        var lower: Expr?
        if !peek.isOp(":") { lower = try parseNamedExpression() }
        guard accept(":") else { return lower ?? ConstantExpr(.none, start) }
        var upper: Expr?
        var step: Expr?
        if !peek.isOp(":") && !peek.isOp("]") && !peek.isOp(",") { upper = try parseExpression() }
        if accept(":") {
            if !peek.isOp("]") && !peek.isOp(",") { step = try parseExpression() }
        }
        return SliceExpr(lower, upper, step, span(start))
    }

    // MARK: Atoms

    mutating func parseAtom() throws -> Expr {
        let t = peek
        switch t.kind {
        case .name:
            switch t.text {
            case "True": advance(); return ConstantExpr(.bool(true), t.location)
            case "False": advance(); return ConstantExpr(.bool(false), t.location)
            case "None": advance(); return ConstantExpr(.none, t.location)
            case "yield": return try parseYield()
            default:
                if reservedWords.contains(t.text) { throw invalid() }
                advance()
                return NameExpr(t.text, t.location)
            }
        case .int:
            advance()
            return ConstantExpr(.int(try parseIntLiteral(t)), t.location)
        case .float:
            advance()
            guard let d = Double(t.text.replacingOccurrencesOfUnderscore()) else { throw error("invalid decimal literal", at: t) }
            return ConstantExpr(.float(d), t.location)
        case .string, .fstring:
            return try parseStrings()
        case .op:
            switch t.text {
            case "(":
                advance()
                try enterNesting()
                defer { nesting -= 1 }
                if accept(")") { return TupleExpr([], span(t.location)) }
                if peek.isKeyword("yield") {
                    let y = try parseYield()
                    try expect(")")
                    return y
                }
                let first = try parseStarItem()
                if peek.isKeyword("for") {
                    let comp = try parseComprehension(.generator, first, value: nil, start: t.location)
                    try expect(")")
                    return comp
                }
                if accept(")") {
                    if first is StarredExpr { throw error("cannot use starred expression here", at: t) }
                    return first
                }
                var items = [first]
                while accept(",") {
                    if peek.isOp(")") { break }
                    items.append(try parseStarItem())
                }
                guard accept(")") else { throw invalid() }
                return TupleExpr(items, span(t.location))
            case "[":
                advance()
                try enterNesting()
                defer { nesting -= 1 }
                if accept("]") { return ListExpr([], span(t.location)) }
                let first = try parseStarItem()
                if peek.isKeyword("for") {
                    let comp = try parseComprehension(.list, first, value: nil, start: t.location)
                    try expect("]")
                    return comp
                }
                var items = [first]
                while accept(",") {
                    if peek.isOp("]") { break }
                    items.append(try parseStarItem())
                }
                guard accept("]") else { throw invalid() }
                return ListExpr(items, span(t.location))
            case "{":
                advance()
                try enterNesting()
                defer { nesting -= 1 }
                return try parseBraces(t)
            case "...":
                advance()
                return ConstantExpr(.object(EllipsisObject.shared), t.location)
            default:
                throw invalid()
            }
        case .indent:
            throw error("unexpected indent", kind: "IndentationError")
        default:
            throw invalid()
        }
    }

    func parseIntLiteral(_ t: Token) throws -> Int {
        let text = t.text.replacingOccurrencesOfUnderscore().lowercased()
        var radix = 10
        var digits = Substring(text)
        if text.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
        else if text.hasPrefix("0o") { radix = 8; digits = digits.dropFirst(2) }
        else if text.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
        else if text.count > 1 && text.hasPrefix("0") && text.contains(where: { $0 != "0" }) {
            throw error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", at: t)
        }
        guard let v = UInt(digits, radix: radix) else {
            if digits.allSatisfy({ $0.isHexDigit }) && !digits.isEmpty {
                throw error("integer literal too large (ints are 64-bit)", at: t)
            }
            throw error("invalid \(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : radix == 2 ? "binary" : "decimal") literal", at: t)
        }
        // 9223372036854775808 is allowed only as the operand of unary minus.
        if v == UInt(Int.max) + 1 && pos >= 2 && tokens[pos - 2].isOp("-") { return Int.min }
        guard v <= UInt(Int.max) else { throw error("integer literal too large (ints are 64-bit)", at: t) }
        return Int(v)
    }

    mutating func parseBraces(_ open: Token) throws -> Expr {
        if accept("}") { return DictExpr([], span(open.location)) }
        if accept("**") {
            var entries: [(Expr?, Expr)] = [(nil, try parseBitOr())]
            try parseDictRest(&entries)
            return DictExpr(entries, span(open.location))
        }
        let first = try parseStarItem()
        if accept(":") {
            let value = try parseExpression()
            if peek.isKeyword("for") {
                let comp = try parseComprehension(.dict, first, value: value, start: open.location)
                try expect("}")
                return comp
            }
            var entries: [(Expr?, Expr)] = [(first, value)]
            try parseDictRest(&entries)
            return DictExpr(entries, span(open.location))
        }
        if peek.isKeyword("for") {
            let comp = try parseComprehension(.set, first, value: nil, start: open.location)
            try expect("}")
            return comp
        }
        var items = [first]
        while accept(",") {
            if peek.isOp("}") { break }
            items.append(try parseStarItem())
        }
        guard accept("}") else { throw invalid() }
        return SetExpr(items, span(open.location))
    }

    mutating func parseDictRest(_ entries: inout [(Expr?, Expr)]) throws {
        while accept(",") {
            if peek.isOp("}") { break }
            if accept("**") {
                entries.append((nil, try parseBitOr()))
                continue
            }
            let k = try parseExpression()
            guard accept(":") else { throw error("':' expected after dictionary key") }
            entries.append((k, try parseExpression()))
        }
        guard accept("}") else { throw invalid() }
    }

    mutating func parseComprehension(_ kind: ComprehensionExpr.Kind, _ element: Expr, value: Expr?, start: SourceLocation) throws -> Expr {
        if element is StarredExpr { throw error("iterable unpacking cannot be used in comprehension", at: tokens[pos - 1]) }
        var clauses: [ComprehensionClause] = []
        while acceptKeyword("for") {
            let target = try parseTargetList()
            try checkTarget(target)
            guard acceptKeyword("in") else { throw invalid() }
            let iterable = try parseOr()
            var conditions: [Expr] = []
            while acceptKeyword("if") { conditions.append(try parseOrNoCond()) }
            clauses.append(ComprehensionClause(target: target, iterable: iterable, conditions: conditions))
        }
        return ComprehensionExpr(kind, element, value: value, clauses, span(start))
    }

    mutating func parseOrNoCond() throws -> Expr {
        if peek.isKeyword("lambda") { return try parseLambda() }
        return try parseOr()
    }

    // MARK: Strings and f-strings

    mutating func parseStrings() throws -> Expr {
        let start = peek.location
        var parts: [FStringExpr.Part] = []
        var isF = false
        var sawBytes: Bool?
        while peek.kind == .string || peek.kind == .fstring {
            let t = advance()
            if let b = sawBytes, b != t.isBytes { throw error("cannot mix bytes and nonbytes literals", at: t) }
            sawBytes = t.isBytes
            if t.kind == .string {
                parts.append(.literal(t.text))
            } else {
                isF = true
                parts.append(contentsOf: try parseFString(t.text, raw: t.isRaw, token: t))
            }
        }
        var loc = span(start)
        if loc.endColumn <= loc.column { loc.endColumn = loc.column + 1 }
        if !isF {
            var text = ""
            for case .literal(let s) in parts { text += s }
            return ConstantExpr(.str(text), loc)
        }
        return FStringExpr(parts, loc)
    }

    /// Splits an f-string body into literal text and `{expr!conv:spec}` fields.
    mutating func parseFString(_ body: String, raw: Bool, token: Token) throws -> [FStringExpr.Part] {
        let chars = Array(body)
        var parts: [FStringExpr.Part] = []
        var literal = ""
        var i = 0
        func flush() throws {
            if !literal.isEmpty {
                parts.append(.literal(raw ? literal : try Lexer.decodeEscapes(literal, file: file, location: token.location)))
                literal = ""
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" {
                    literal.append("{")
                    i += 2
                    continue
                }
                try flush()
                // Find the end of the expression: a top-level '!', ':', '=' (debug) or '}'.
                var depth = 0
                var j = i + 1
                var quote: Character?
                while j < chars.count {
                    let d = chars[j]
                    if let q = quote {
                        if d == q { quote = nil }
                    } else if d == "'" || d == "\"" {
                        quote = d
                    } else if d == "(" || d == "[" || d == "{" {
                        depth += 1
                    } else if d == ")" || d == "]" || d == "}" {
                        if depth == 0 { break }
                        depth -= 1
                    } else if depth == 0 && (d == ":" || (d == "!" && j + 1 < chars.count && chars[j + 1] != "=")) {
                        break
                    }
                    j += 1
                }
                guard j < chars.count else { throw error("f-string: expecting '}'", at: token) }
                var exprText = String(chars[(i + 1)..<j])
                var debugText: String?
                let trimmed = exprText.trimmingTrailingWhitespace()
                if trimmed.hasSuffix("=") && !trimmed.hasSuffix("==") && !trimmed.hasSuffix("!=") && !trimmed.hasSuffix("<=") && !trimmed.hasSuffix(">=") {
                    debugText = exprText
                    exprText = String(trimmed.dropLast())
                }
                if exprText.trimmingCharacters(in: " ").isEmpty { throw error("f-string: empty expression not allowed", at: token) }
                var conversion: Character?
                if chars[j] == "!" {
                    guard j + 1 < chars.count else { throw error("f-string: expecting '}'", at: token) }
                    conversion = chars[j + 1]
                    guard conversion == "r" || conversion == "s" || conversion == "a" else {
                        throw error("f-string: invalid conversion character: expected 's', 'r', or 'a'", at: token)
                    }
                    j += 2
                }
                var spec: FStringExpr?
                if j < chars.count && chars[j] == ":" {
                    var k = j + 1
                    var specDepth = 0
                    while k < chars.count {
                        if chars[k] == "{" { specDepth += 1 }
                        if chars[k] == "}" {
                            if specDepth == 0 { break }
                            specDepth -= 1
                        }
                        k += 1
                    }
                    let specBody = String(chars[(j + 1)..<min(k, chars.count)])
                    spec = FStringExpr(try parseFString(specBody, raw: true, token: token), token.location)
                    j = k
                }
                guard j < chars.count && chars[j] == "}" else { throw error("f-string: expecting '}'", at: token) }
                let expr = try Parser.parseEmbedded(exprText, file: file, token: token)
                parts.append(.field(expr, conversion: conversion, spec: spec, debugText: debugText))
                i = j + 1
            } else if c == "}" {
                guard i + 1 < chars.count && chars[i + 1] == "}" else {
                    throw error("f-string: single '}' is not allowed", at: token)
                }
                literal.append("}")
                i += 2
            } else {
                literal.append(c)
                i += 1
            }
        }
        try flush()
        return parts
    }

    /// Parses the expression inside an f-string field.
    static func parseEmbedded(_ text: String, file: String, token: Token) throws -> Expr {
        let wrapped = "(" + text + ")"
        var tokens: [Token]
        do {
            tokens = try Lexer.tokenize(wrapped, file: file)
        } catch let e as SyntaxError {
            throw SyntaxError("f-string: " + e.message, file: file, location: token.location)
        }
        for k in tokens.indices {
            tokens[k].location = SourceLocation(line: token.line, column: token.column, endColumn: Int(token.location.endColumn))
        }
        var p = Parser(tokens: tokens, file: file)
        p.functionDepth = 1
        let e = try p.parseStarExpressions()
        if p.peek.kind != .newline && p.peek.kind != .eof { throw SyntaxError("f-string: invalid syntax", file: file, location: token.location) }
        return e
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
