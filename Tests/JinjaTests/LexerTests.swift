// The lexer's token stream: tag delimiters, expression tokens with Python literal rules, lines, and the
// whitespace rules (checked against Jinja2 end to end in UnitReferenceTests; here token by token).

import Testing
@testable import Jinja

struct LexerTests {
    private func kinds(_ source: String, trim: Bool = false, lstrip: Bool = false) throws -> [Token.Kind] {
        try Lexer.tokenize(source, options: .init(trimBlocks: trim, lstripBlocks: lstrip)).map(\.kind)
    }

    @Test func splitsTextAndTags() throws {
        #expect(try kinds("a{{ x }}b{% if y %}c{# note #}d") == [
            .text("a"), .variableStart, .name("x"), .variableEnd, .text("b"), .blockStart, .name("if"), .name("y"),
            .blockEnd, .text("c"), .text("d"), .endOfTemplate,
        ])
    }

    @Test func readsPythonLiterals() throws {
        #expect(try kinds("{{ 'a\\nb' \"c\\u00e9\" 12 1_000 3.5 2e3 x.y //**!=}}") == [
            .variableStart, .string("a\nb"), .string("cé"), .integer(12), .integer(1000), .float(3.5), .float(2000),
            .name("x"), .op("."), .name("y"), .op("//"), .op("**"), .op("!="), .variableEnd, .endOfTemplate,
        ])
    }

    @Test func unknownEscapesKeepTheirBackslash() throws {
        #expect(try kinds("{{ '\\d' }}") == [.variableStart, .string("\\d"), .variableEnd, .endOfTemplate])
    }

    @Test func closingBracesInsideADictDoNotEndTheTag() throws {
        #expect(try kinds("{{ {'a': {'b': 1}}}}") == [
            .variableStart, .op("{"), .string("a"), .op(":"), .op("{"), .string("b"), .op(":"), .integer(1), .op("}"),
            .op("}"), .variableEnd, .endOfTemplate,
        ])
    }

    @Test func minusStripsAllWhitespaceOnItsSide() throws {
        #expect(try kinds("a \n {%- if x -%} \n b") == [.text("a"), .blockStart, .name("if"), .name("x"), .blockEnd, .text("b"), .endOfTemplate])
    }

    @Test func trimBlocksDropsOneNewlineAfterBlockTagsOnly() throws {
        #expect(try kinds("{% if x %}\n\nA{{ y }}\nB", trim: true) == [
            .blockStart, .name("if"), .name("x"), .blockEnd, .text("\nA"), .variableStart, .name("y"), .variableEnd,
            .text("\nB"), .endOfTemplate,
        ])
    }

    @Test func lstripBlocksRemovesIndentBeforeBlockTagsButNotVariables() throws {
        #expect(try kinds("x\n   {% if y %}\n   {{ z }}", trim: true, lstrip: true) == [
            .text("x\n"), .blockStart, .name("if"), .name("y"), .blockEnd, .text("   "), .variableStart, .name("z"),
            .variableEnd, .endOfTemplate,
        ])
        // `{%+` keeps the indentation.
        #expect(try kinds("x\n   {%+ if y %}", lstrip: true).first == .text("x\n   "))
    }

    @Test func dropsOneTrailingNewlineAndNormalizesLineEndings() throws {
        #expect(try kinds("a\r\nb\n\n") == [.text("a\nb\n"), .endOfTemplate])
    }

    @Test func rawBlocksAreText() throws {
        #expect(try kinds("{% raw %}{{ x }}{% endraw %}") == [.text("{{ x }}"), .endOfTemplate])
    }

    @Test func tokensCarryTheirLine() throws {
        let tokens = try Lexer.tokenize("a\nb\n{{ x\n + y }}", options: .init())
        #expect(tokens.map(\.line) == [1, 3, 3, 4, 4, 4, 4])
    }

    @Test func malformedTagsAreErrorsWithTheLine() throws {
        for (source, line) in [("ok\n{{ 'open", 2), ("{# never closed", 1), ("\n\n{{ x ", 3), ("{{ x ) }}", 1), ("{{ a $ b }}", 1)] {
            #expect(throws: JinjaError.self) { try Lexer.tokenize(source, options: .init()) }
            do {
                _ = try Lexer.tokenize(source, options: .init())
            } catch let error as JinjaError {
                #expect(error.kind == .syntax)
                #expect(error.line == line, "\(source.debugDescription): \(error)")
            }
        }
    }
}
