import REPL
import Script
import Testing

/// Assembling cells from lines: blocks, brackets, triple quotes, pastes.
@Suite struct SessionInputTests {
    @Test func blockWaitsForBlankLine() {
        let h = Harness()
        #expect(h.session.feed("total = 0") == .executed)
        #expect(h.session.feed("for i in range(4):") == .needsMore)
        #expect(h.session.feed("    total += i") == .needsMore)
        #expect(h.session.feed("    if i == 3:") == .needsMore)
        #expect(h.session.feed("        total *= 10") == .needsMore)
        #expect(h.session.feed("") == .executed)
        #expect(h.run("total") == "Out[3]: 60\n")
    }

    @Test func openBracketsContinueAndCloseRunsAtOnce() {
        let h = Harness()
        #expect(h.session.feed("xs = [1,") == .needsMore)
        #expect(h.session.feed("") == .needsMore)
        #expect(h.session.feed("      2, 3]") == .executed)
        #expect(h.run("sum(xs)") == "Out[2]: 6\n")
    }

    @Test func tripleQuotedStringKeepsBlankLines() {
        let h = Harness()
        #expect(h.session.feed("s = \"\"\"a") == .needsMore)
        #expect(h.session.feed("") == .needsMore)
        #expect(h.session.feed("b\"\"\"") == .executed)
        #expect(h.run("s") == "Out[2]: 'a\\n\\nb'\n")
    }

    @Test func backslashContinuesAndDecoratorOpensABlock() {
        let h = Harness()
        #expect(h.session.feed("y = 1 + \\") == .needsMore)
        #expect(h.session.feed("    2") == .executed)
        #expect(h.session.feed("@staticmethod") == .needsMore)
    }

    @Test func colonInsideStringOrCommentDoesNotOpenABlock() {
        let h = Harness()
        #expect(h.session.feed("d = {'a': 1}") == .executed)
        #expect(h.session.feed("t = 'x:'  # note:") == .executed)
    }

    @Test func pastedBlockRunsWithoutBlankLine() {
        let h = Harness()
        let out = h.run("def f(a, b=2):\n    return a * b\n\nprint(f(3))")
        #expect(out == "6\n")
        #expect(h.session.executionCount == 2)
    }

    @Test func autoIndentSuggestion() {
        let h = Harness()
        h.session.feed("def f(x):")
        #expect(h.session.suggestedIndent == "    ")
        h.session.feed("    if x:")
        #expect(h.session.suggestedIndent == "        ")
        h.session.feed("        return 1")
        #expect(h.session.suggestedIndent == "    ")
    }

    @Test func discardingPendingInput() {
        let h = Harness()
        h.session.feed("for i in range(3):")
        #expect(h.session.isContinuing)
        h.session.discardPendingInput()
        #expect(!h.session.isContinuing)
        #expect(h.run("1") == "Out[1]: 1\n")
    }
}
