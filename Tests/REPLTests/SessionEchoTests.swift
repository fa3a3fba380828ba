import REPL
import Script
import Testing

/// Echo of results, `Out[n]`, and IPython's history variables.
@Suite struct SessionEchoTests {
    @Test func variablesPersistAcrossCells() {
        let h = Harness()
        #expect(h.run("x = 41") == "")
        #expect(h.run("x + 1") == "Out[2]: 42\n")
        #expect(h.session.executionCount == 3)
    }

    @Test func reprOfResultsAndNoEchoForNoneOrSemicolon() {
        let h = Harness()
        #expect(h.run("\"it's\"") == "Out[1]: \"it's\"\n")
        #expect(h.run("[1, 2.5, None, (3,)]") == "Out[2]: [1, 2.5, None, (3,)]\n")
        #expect(h.run("None") == "")
        #expect(h.run("print('hi')") == "hi\n")
        #expect(h.run("1 + 1;") == "")
        #expect(h.run("0.1 + 0.2") == "Out[6]: 0.30000000000000004\n")
    }

    @Test func underscoreVariablesAndOutIn() {
        let h = Harness()
        h.run("10", "20", "x = 5", "30")
        #expect(h.run("(_, __, ___)") == "Out[5]: (30, 20, 10)\n")
        #expect(h.run("Out[2] + _1") == "Out[6]: 30\n")
        #expect(h.run("In[3]") == "Out[7]: 'x = 5'\n")
        // As in IPython: `_i` is the previous input, `_iN` the input of cell N.
        #expect(h.run("_i") == "Out[8]: 'In[3]'\n")
        #expect(h.run("_i9") == "Out[9]: '_i9'\n")
        #expect(h.run("len(In)") == "Out[10]: 11\n")
    }

    @Test func blankLineAtThePromptRunsNothing() {
        let h = Harness()
        #expect(h.session.feed("") == .empty)
        #expect(h.session.feed("   ") == .empty)
        #expect(h.session.executionCount == 1)
    }

    @Test func promptsAlignLikeIPython() {
        let h = Harness()
        #expect(h.session.prompt == "In [1]: ")
        h.run("if True:")
        #expect(h.session.prompt == "   ...: ")
        h.run("    pass", "")
        for k in 2...10 { h.run("\(k)") }
        #expect(h.session.prompt == "In [11]: ")
        h.run("def f():")
        #expect(h.session.prompt == "    ...: ")
    }

    @Test func echoedExpressionSeesEarlierFunctions() {
        let h = Harness()
        h.run("def square(v):", "    return v * v", "")
        #expect(h.run("square(7)") == "Out[2]: 49\n")
    }
}
