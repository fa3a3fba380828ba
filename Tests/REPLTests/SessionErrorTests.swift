import REPL
import Script
import Testing

/// A failing cell prints its error and the session keeps every variable.
@Suite struct SessionErrorTests {
    @Test func runtimeErrorKeepsState() {
        let h = Harness()
        h.run("a = [1, 2, 3]", "def g(n):", "    return a[n]", "")
        let out = h.run("g(10)")
        #expect(out == """
            Traceback (most recent call last):
              File "<In [3]>", line 1, in <module>
                g(10)
              File "<In [2]>", line 2, in g
                return a[n]
                       ^^^^
            IndexError: list index out of range

            """)
        #expect(h.run("a") == "Out[4]: [1, 2, 3]\n")
    }

    @Test func syntaxErrorShowsCaretAndKeepsState() {
        let h = Harness()
        h.run("keep = 'yes'")
        let out = h.run("1 +* 2")
        #expect(out.hasPrefix("  File \"<In [2]>\", line 1\n    1 +* 2\n"))
        #expect(out.hasSuffix("SyntaxError: invalid syntax\n"))
        #expect(h.run("keep") == "Out[3]: 'yes'\n")
    }

    @Test func partialEffectsOfAFailingCellRemain() {
        let h = Harness()
        let out = h.run("before = 1; 1 / 0; after = 2")
        #expect(out.hasSuffix("ZeroDivisionError: division by zero\n"))
        #expect(h.run("before") == "Out[2]: 1\n")
        #expect(h.run("after").hasSuffix("NameError: name 'after' is not defined\n"))
    }

    @Test func exitEndsTheSessionWithItsStatus() {
        let h = Harness()
        h.run("exit(3)")
        #expect(h.session.isFinished)
        #expect(h.session.exitStatus == 3)
        let other = Harness()
        other.run("quit")
        #expect(other.session.isFinished)
    }

    @Test func interruptFlagRaisesKeyboardInterruptAndStateSurvives() {
        let h = Harness()
        h.run("n = 0")
        // Set before the loop runs: the interpreter polls it inside the loop.
        h.session.interpreter.interruptFlag.set()
        let out = h.run("while True:", "    n += 1", "")
        #expect(out.hasSuffix("KeyboardInterrupt\n"))
        let count = h.run("n > 0")
        #expect(count == "Out[3]: True\n")
    }
}
