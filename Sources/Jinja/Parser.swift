// Builds the syntax tree from tokens with Jinja's grammar and operator precedence (lowest first):
// `x if c else y`, `or`, `and`, `not`, comparisons and `in`, `+ -`, `~`, `* / // %`, `**`, unary `- +`,
// then postfix `.attr [i] [a:b] (args)` and `| filter` / `is test`.

struct Parser {
    private let tokens: [Token]
    private var index = 0

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ tokens: [Token]) throws -> [Statement] {
        var parser = Parser(tokens: tokens)
        let (body, _) = try parser.parseBody(endingAt: [], openedAt: 1)
        return body
    }

    // MARK: - Token helpers

    private var current: Token { tokens[min(index, tokens.count - 1)] }
    private func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isOp(_ op: String) -> Bool { if case .op(op) = current.kind { return true } else { return false } }
    private func isName(_ name: String) -> Bool { if case .name(name) = current.kind { return true } else { return false } }
    private var isBlockEnd: Bool { if case .blockEnd = current.kind { return true } else { return false } }

    private func error(_ message: String) -> JinjaError { JinjaError(.syntax, message, line: current.line) }

    private mutating func expectOp(_ op: String) throws {
        guard isOp(op) else { throw error("expected '\(op)', got \(current.display)") }
        advance()
    }

    private mutating func expectName() throws -> String {
        guard case .name(let name) = current.kind else { throw error("expected a name, got \(current.display)") }
        advance()
        return name
    }

    private mutating func expectKeyword(_ keyword: String) throws {
        guard isName(keyword) else { throw error("expected '\(keyword)', got \(current.display)") }
        advance()
    }

    private mutating func expectBlockEnd() throws {
        guard isBlockEnd else { throw error("expected '%}', got \(current.display)") }
        advance()
    }

    // MARK: - Statements

    /// Parses until a block tag whose keyword is in `ends`; consumes `{%` and the keyword and returns it.
    /// `openedAt` is the line of the tag that opened this body: Jinja reports a missing end tag there.
    private mutating func parseBody(endingAt ends: Set<String>, openedAt: Int) throws -> ([Statement], String) {
        var body: [Statement] = []
        while true {
            let token = current
            switch token.kind {
            case .text(let text):
                body.append(Statement(kind: .text(text), line: token.line))
                advance()
            case .variableStart:
                advance()
                let expression = try parseTuple()
                guard case .variableEnd = current.kind else { throw error("expected '}}', got \(current.display)") }
                advance()
                body.append(Statement(kind: .output(expression), line: token.line))
            case .blockStart:
                advance()
                guard case .name(let keyword) = current.kind else { throw error("expected a tag name, got \(current.display)") }
                if ends.contains(keyword) {
                    advance()
                    return (body, keyword)
                }
                body.append(try parseStatement(keyword, line: token.line))
            case .endOfTemplate:
                if ends.isEmpty { return (body, "") }
                let names = ends.sorted().map { "'\($0)'" }.joined(separator: " or ")
                throw JinjaError(.syntax, "unexpected end of template: expected \(names)", line: openedAt)
            default:
                throw error("unexpected \(token.display)")
            }
        }
    }

    private static let endTags: Set<String> = [
        "endif", "elif", "else", "endfor", "endset", "endmacro", "endcall", "endfilter", "endgeneration", "endraw",
    ]

    private mutating func parseStatement(_ keyword: String, line: Int) throws -> Statement {
        advance()
        switch keyword {
        case "if":
            var branches: [(condition: Expression, body: [Statement])] = []
            var condition = try parseExpression()
            try expectBlockEnd()
            while true {
                let (body, end) = try parseBody(endingAt: ["elif", "else", "endif"], openedAt: line)
                branches.append((condition, body))
                if end == "elif" {
                    condition = try parseExpression()
                    try expectBlockEnd()
                    continue
                }
                try expectBlockEnd()
                var otherwise: [Statement] = []
                if end == "else" {
                    (otherwise, _) = try parseBody(endingAt: ["endif"], openedAt: line)
                    try expectBlockEnd()
                }
                return Statement(kind: .ifChain(branches, otherwise: otherwise), line: line)
            }
        case "for":
            let target = try parseAssignTarget(allowAttribute: false)
            try expectKeyword("in")
            let iterable = try parseTuple(allowConditional: false)
            var filter: Expression?
            if isName("if") {
                advance()
                filter = try parseExpression()
            }
            var recursive = false
            if isName("recursive") { advance(); recursive = true }
            try expectBlockEnd()
            let (body, end) = try parseBody(endingAt: ["endfor", "else"], openedAt: line)
            try expectBlockEnd()
            var otherwise: [Statement] = []
            if end == "else" {
                (otherwise, _) = try parseBody(endingAt: ["endfor"], openedAt: line)
                try expectBlockEnd()
            }
            return Statement(kind: .forLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise, recursive: recursive), line: line)
        case "set":
            let target = try parseAssignTarget(allowAttribute: true)
            if isOp("=") {
                advance()
                let value = try parseTuple()
                try expectBlockEnd()
                return Statement(kind: .set(target, value), line: line)
            }
            let filters = try parseFilterChain()
            try expectBlockEnd()
            let (body, _) = try parseBody(endingAt: ["endset"], openedAt: line)
            try expectBlockEnd()
            return Statement(kind: .setBlock(target, filters: filters, body: body), line: line)
        case "macro":
            let name = try expectName()
            let parameters = try parseParameters()
            try expectBlockEnd()
            let (body, _) = try parseBody(endingAt: ["endmacro"], openedAt: line)
            if case .name = current.kind { advance() }  // `{% endmacro name %}`
            try expectBlockEnd()
            return Statement(kind: .macro(name: name, parameters: parameters, body: body), line: line)
        case "call":
            var parameters: [(name: String, defaultValue: Expression?)] = []
            if isOp("(") { parameters = try parseParameters() }
            let call = try parseExpression()
            guard case .call = call else { throw error("expected a macro call after 'call'") }
            try expectBlockEnd()
            let (body, _) = try parseBody(endingAt: ["endcall"], openedAt: line)
            try expectBlockEnd()
            return Statement(kind: .callBlock(call: call, parameters: parameters, body: body), line: line)
        case "filter":
            let filters = try parseFilterChain(requireFirstBar: false)
            try expectBlockEnd()
            let (body, _) = try parseBody(endingAt: ["endfilter"], openedAt: line)
            try expectBlockEnd()
            return Statement(kind: .filterBlock(filters: filters, body: body), line: line)
        case "break", "continue":
            try expectBlockEnd()
            return Statement(kind: keyword == "break" ? .breakLoop : .continueLoop, line: line)
        case "generation":
            try expectBlockEnd()
            let (body, _) = try parseBody(endingAt: ["endgeneration"], openedAt: line)
            try expectBlockEnd()
            return Statement(kind: .generation(body), line: line)
        default:
            if Parser.endTags.contains(keyword) {
                throw JinjaError(.syntax, "unexpected '\(keyword)': no open block to close", line: line)
            }
            throw JinjaError(.syntax, "unknown or unsupported tag '\(keyword)'", line: line)
        }
    }

    private mutating func parseAssignTarget(allowAttribute: Bool) throws -> AssignTarget {
        let parenthesized = isOp("(")
        if parenthesized { advance() }
        let first = try expectName()
        if allowAttribute && !parenthesized && isOp(".") {
            advance()
            return .attribute(first, try expectName())
        }
        var names = [first]
        var sawComma = false
        while isOp(",") {
            sawComma = true
            advance()
            if case .name = current.kind { names.append(try expectName()) } else { break }
        }
        if parenthesized { try expectOp(")") }
        return (names.count == 1 && !sawComma && !parenthesized) ? .name(first) : .tuple(names)
    }

    private mutating func parseParameters() throws -> [(name: String, defaultValue: Expression?)] {
        try expectOp("(")
        var parameters: [(name: String, defaultValue: Expression?)] = []
        while !isOp(")") {
            let name = try expectName()
            var defaultValue: Expression?
            if isOp("=") {
                advance()
                defaultValue = try parseExpression()
            }
            parameters.append((name, defaultValue))
            if !isOp(",") { break }
            advance()
        }
        try expectOp(")")
        return parameters
    }

    private mutating func parseFilterChain(requireFirstBar: Bool = true) throws -> [(String, [Argument])] {
        var filters: [(String, [Argument])] = []
        var first = true
        while isOp("|") || (first && !requireFirstBar) {
            if isOp("|") { advance() }
            first = false
            let name = try parseDottedName()
            filters.append((name, isOp("(") ? try parseArguments() : []))
        }
        return filters
    }

    // MARK: - Expressions

    /// An expression, or a tuple when commas follow (`{% set a, b = 1, 2 %}`, `{{ a, b }}`).
    private mutating func parseTuple(allowConditional: Bool = true) throws -> Expression {
        let first = try parseExpression(allowConditional: allowConditional)
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            advance()
            if isBlockEnd || isOp(")") { break }
            if case .variableEnd = current.kind { break }
            items.append(try parseExpression(allowConditional: allowConditional))
        }
        return .tuple(items)
    }

    private mutating func parseExpression(allowConditional: Bool = true) throws -> Expression {
        var expression = try parseOr()
        guard allowConditional else { return expression }
        while isName("if") {
            advance()
            let condition = try parseOr()
            var otherwise: Expression?
            if isName("else") {
                advance()
                otherwise = try parseExpression()
            }
            expression = .conditional(then: expression, condition: condition, otherwise: otherwise)
        }
        return expression
    }

    private mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isName("or") {
            advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isName("and") {
            advance()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws -> Expression {
        if isName("not") {
            advance()
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expression {
        let first = try parseMath1()
        var operations: [(CompareOperator, Expression)] = []
        while true {
            if case .op(let op) = current.kind, let comparison = CompareOperator(rawValue: op),
                comparison != .inside, comparison != .notInside
            {
                advance()
                operations.append((comparison, try parseMath1()))
            } else if isName("in") {
                advance()
                operations.append((.inside, try parseMath1()))
            } else if isName("not"), case .name("in") = peek(1).kind {
                advance()
                advance()
                operations.append((.notInside, try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? first : .compare(first, operations)
    }

    private mutating func parseMath1() throws -> Expression {
        var left = try parseConcat()
        while isOp("+") || isOp("-") {
            let op: BinaryOperator = isOp("+") ? .add : .subtract
            advance()
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws -> Expression {
        var left = try parseMath2()
        while isOp("~") {
            advance()
            left = .binary(.concat, left, try parseMath2())
        }
        return left
    }

    private mutating func parseMath2() throws -> Expression {
        var left = try parsePow()
        while true {
            guard case .op(let op) = current.kind, ["*", "/", "//", "%"].contains(op), let binary = BinaryOperator(rawValue: op) else { break }
            advance()
            left = .binary(binary, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws -> Expression {
        var left = try parseUnary()
        while isOp("**") {
            advance()
            left = .binary(.power, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws -> Expression {
        var node: Expression
        if isOp("-") {
            advance()
            node = .negate(try parseUnary(withFilter: false))
        } else if isOp("+") {
            advance()
            node = .plus(try parseUnary(withFilter: false))
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    private mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var text):
            advance()
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .literal(.string(text))
        case .integer(let i):
            advance()
            return .literal(.int(i))
        case .float(let d):
            advance()
            return .literal(.double(d))
        case .op("("):
            advance()
            if isOp(")") {
                advance()
                return .tuple([])
            }
            let first = try parseExpression()
            if !isOp(",") {
                try expectOp(")")
                return first
            }
            var items = [first]
            while isOp(",") {
                advance()
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expectOp(")")
            return .tuple(items)
        case .op("["):
            advance()
            var items: [Expression] = []
            while !isOp("]") {
                items.append(try parseExpression())
                if !isOp(",") { break }
                advance()
            }
            try expectOp("]")
            return .list(items)
        case .op("{"):
            advance()
            var pairs: [(Expression, Expression)] = []
            while !isOp("}") {
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
                if !isOp(",") { break }
                advance()
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw error("unexpected \(token.display)")
        }
    }

    private mutating func parsePostfix(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if isOp(".") {
                advance()
                switch current.kind {
                case .name(let name):
                    advance()
                    node = .attribute(node, name)
                case .integer(let i):
                    advance()
                    node = .item(node, .literal(.int(i)))
                default:
                    throw error("expected an attribute name after '.', got \(current.display)")
                }
            } else if isOp("[") {
                advance()
                node = try parseSubscript(node)
            } else if isOp("(") {
                node = .call(node, try parseArguments())
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ target: Expression) throws -> Expression {
        var start: Expression?
        if !isOp(":") { start = try parseExpression() }
        if isOp("]") {
            advance()
            guard let start else { throw error("empty subscript") }
            return .item(target, start)
        }
        if isOp(",") {
            // `a[1, 2]` subscripts with a tuple.
            var items = [start ?? .literal(.none)]
            while isOp(",") {
                advance()
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .item(target, .tuple(items))
        }
        try expectOp(":")
        var stop: Expression?
        var step: Expression?
        if !isOp("]") && !isOp(":") { stop = try parseExpression() }
        if isOp(":") {
            advance()
            if !isOp("]") { step = try parseExpression() }
        }
        try expectOp("]")
        return .slice(target, start: start, stop: stop, step: step)
    }

    private mutating func parseArguments() throws -> [Argument] {
        try expectOp("(")
        var arguments: [Argument] = []
        while !isOp(")") {
            if isOp("*") {
                advance()
                arguments.append(.unpackPositional(try parseExpression()))
            } else if isOp("**") {
                advance()
                arguments.append(.unpackKeywords(try parseExpression()))
            } else if case .name(let name) = current.kind, case .op("=") = peek(1).kind {
                advance()
                advance()
                arguments.append(.keyword(name, try parseExpression()))
            } else {
                arguments.append(.positional(try parseExpression()))
            }
            if !isOp(",") { break }
            advance()
        }
        try expectOp(")")
        return arguments
    }

    private mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp("."), case .name(let more) = peek(1).kind {
            advance()
            advance()
            name += "." + more
        }
        return name
    }

    private mutating func parseFilterExpression(_ start: Expression) throws -> Expression {
        var node = start
        while true {
            if isOp("|") {
                advance()
                let name = try parseDottedName()
                node = .filter(node, name: name, isOp("(") ? try parseArguments() : [])
            } else if isName("is") {
                advance()
                var negated = false
                if isName("not") { advance(); negated = true }
                let name = try parseDottedName()
                var arguments: [Argument] = []
                if isOp("(") {
                    arguments = try parseArguments()
                } else if startsTestArgument {
                    var argument = try parsePrimary()
                    argument = try parsePostfix(argument)
                    arguments = [.positional(argument)]
                }
                node = .test(node, name: name, arguments, negated: negated)
            } else if isOp("(") {
                node = .call(node, try parseArguments())
            } else {
                return node
            }
        }
    }

    /// Jinja's rule for `x is test arg` without parentheses.
    private var startsTestArgument: Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and", "is", "in", "not", "if"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == "[" || o == "{"
        default: return false
        }
    }
}
