// The parser's tree shape and precedence, and syntax errors naming the line.

import Testing
@testable import Jinja

struct ParserTests {
    private func parse(_ source: String) throws -> [Statement] {
        try Parser.parse(try Lexer.tokenize(source, options: .init()))
    }

    private func expression(_ source: String) throws -> Expression {
        guard case .output(let e)? = try parse("{{ \(source) }}").first?.kind else { throw FixtureError("no output") }
        return e
    }

    @Test func filtersBindTighterThanUnaryMinusOperand() throws {
        // Jinja parses `-x|abs` as `abs(-x)`.
        guard case .filter(.negate(.name("x")), "abs", _) = try expression("-x|abs") else {
            Issue.record("unexpected tree")
            return
        }
    }

    @Test func notBindsLooserThanComparison() throws {
        guard case .not(.compare(.name("a"), let ops)) = try expression("not a == b"), ops.count == 1 else {
            Issue.record("unexpected tree")
            return
        }
    }

    @Test func isTestBindsTighterThanAnd() throws {
        guard case .and(.test(.name("a"), "defined", _, false), .test(.name("b"), "none", _, true)) = try expression("a is defined and b is not none") else {
            Issue.record("unexpected tree")
            return
        }
    }

    @Test func conditionalWithoutElse() throws {
        guard case .conditional(.literal, .name("c"), nil) = try expression("'x' if c") else {
            Issue.record("unexpected tree")
            return
        }
    }

    @Test func slicesAndNotIn() throws {
        guard case .slice(.name("m"), nil, nil, .negate(.literal(.int(1))))? = Optional(try expression("m[::-1]")) else {
            Issue.record("unexpected slice")
            return
        }
        guard case .compare(_, let ops) = try expression("a not in b"), case .notInside = ops.first?.0 else {
            Issue.record("unexpected not in")
            return
        }
    }

    @Test func statementsNestAndCarryLines() throws {
        let statements = try parse("x\n{% for m in ms if m %}\n{% if a %}1{% elif b %}2{% else %}3{% endif %}{% else %}e{% endfor %}")
        #expect(statements.count == 2)
        guard case .forLoop(.name("m"), _, .some, let body, let otherwise, false) = statements[1].kind else {
            Issue.record("expected a for loop")
            return
        }
        #expect(statements[1].line == 2)
        #expect(otherwise.count == 1)
        guard case .ifChain(let branches, let elseBody)? = body.last?.kind else {
            Issue.record("expected an if chain")
            return
        }
        #expect(branches.count == 2)
        #expect(elseBody.count == 1)
    }

    @Test func setForms() throws {
        let statements = try parse("{% set a = 1 %}{% set b, c = 1, 2 %}{% set ns.x = 3 %}{% set d %}t{% endset %}")
        guard case .set(.name("a"), _) = statements[0].kind, case .set(.tuple(["b", "c"]), .tuple) = statements[1].kind,
            case .set(.attribute("ns", "x"), _) = statements[2].kind, case .setBlock(.name("d"), _, _) = statements[3].kind
        else {
            Issue.record("unexpected set statements")
            return
        }
    }

    @Test func syntaxErrorsNameTheLine() throws {
        let cases: [(String, Int)] = [
            ("{% if x %}\n\nno end", 1), ("a\n{% endif %}", 2), ("{% for x in %}", 1), ("\n{% unknowntag %}", 2),
            ("{{ 1 + }}", 1), ("{% set %}", 1), ("{% for x y %}{% endfor %}", 1), ("{{ f(a=) }}", 1), ("\n\n{{ [1, 2 }}", 3),
        ]
        for (source, line) in cases {
            do {
                _ = try parse(source)
                Issue.record("\(source.debugDescription) parsed")
            } catch let error as JinjaError {
                #expect(error.kind == .syntax)
                #expect(error.line == line, "\(source.debugDescription): \(error)")
            }
        }
    }
}
