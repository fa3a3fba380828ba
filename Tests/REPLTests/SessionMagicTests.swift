import REPL
import Script
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// IPython's line magics and the object inspector.
@Suite(.serialized) struct SessionMagicTests {
    @Test func timeitReportsMeanAndStdDevOfSevenRuns() {
        let h = Harness()
        h.run("xs = list(range(100))")
        let out = h.run("%timeit -n 50 sum(xs)")
        // "12.3 μs ± 1.02 μs per loop (mean ± std. dev. of 7 runs, 50 loops each)"
        // (IPython's caching warning may come first when one run was much slower: a busy machine.)
        let pattern = #/^(The slowest run took [0-9.]+ times longer than the fastest\. This could mean that an intermediate result is being cached\.\n)?[0-9.]+ (s|ms|μs|ns) ± [0-9.]+ (s|ms|μs|ns) per loop \(mean ± std\. dev\. of 7 runs, 50 loops each\)\n$/#
        #expect(out.wholeMatch(of: pattern) != nil, "got: \(out)")
        #expect(h.run("%timeit -r 2 -n 1 1") .contains("of 2 runs, 1 loop each"))
    }

    @Test func timeitAdaptiveLoopCountIsAPowerOfTen() {
        let h = Harness()
        let out = h.run("%timeit -r 1 sum(range(20000))")
        let loops = out.firstMatch(of: #/run, ([0-9,]+) loops? each/#).map { String($0.1) } ?? "?"
        #expect(["1", "10", "100", "1,000", "10,000"].contains(loops), "got: \(out)")
    }

    @Test func timeitErrorsAreReported() {
        let h = Harness()
        #expect(h.run("%timeit undefined_name") == """
            Traceback (most recent call last):
              File "<magic-timeit>", line 1, in <module>
                undefined_name
            NameError: name 'undefined_name' is not defined

            """)
        #expect(h.run("%timeit 1 +* 2") == "  File \"<magic-timeit>\", line 1\n    1 +* 2\n       ^\nSyntaxError: invalid syntax\n")
        #expect(h.run("%timeit").hasPrefix("UsageError"))
    }

    @Test func timePrintsCpuAndWallAndEchoesTheValue() {
        let h = Harness()
        let out = h.run("%time sum(range(1000))")
        let lines = out.split(separator: "\n")
        #expect(lines.count == 3, "got: \(out)")
        #expect(lines.first?.hasPrefix("CPU times: user ") == true)
        #expect(lines.dropFirst().first?.hasPrefix("Wall time: ") == true)
        #expect(lines.last == "Out[1]: 499500")
    }

    @Test func whoAndWhosListOnlyUserVariables() {
        let h = Harness()
        #expect(h.run("%who") == "Interactive namespace is empty.\n")
        h.run("b = [1, 2]", "a = 'text'", "10")
        #expect(h.run("%who") == "a\tb\n")
        #expect(h.run("%whos") == """
            Variable   Type    Data/Info
            ----------------------------
            a          str     text
            b          list    n=2

            """)
    }

    @Test func historyListsInputs() {
        let h = Harness()
        h.run("x = 1", "for i in range(2):", "    x += i", "")
        #expect(h.run("%history -n") == "   1: x = 1\n   2: for i in range(2):\n          x += i\n   3: %history -n\n")
        #expect(h.run("%history 1") == "x = 1\n")
    }

    @Test func resetForgetsVariablesButKeepsCounting() {
        let h = Harness()
        h.run("x = 1", "%reset")
        #expect(h.run("x").hasSuffix("NameError: name 'x' is not defined\n"))
        #expect(h.session.executionCount == 4)
        #expect(h.run("%who") == "Interactive namespace is empty.\n")
    }

    @Test func runAndLoadFiles() throws {
        let dir = "/tmp/sfs-repl-tests-\(getpid())"
        mkdir(dir, 0o755)
        let path = dir + "/prog.sfs"
        defer {
            remove(path)
            rmdir(dir)
        }
        let file = fopen(path, "w")
        fputs("import sys\nloaded = 6 * 7\nargs = sys.argv\n", file)
        fclose(file)
        let h = Harness()
        #expect(h.run("%run \(path) one") == "")
        #expect(h.run("loaded") == "Out[2]: 42\n")
        h.run("%load \(path)")
        #expect(h.session.preloadedInput == "# %load \(path)\nimport sys\nloaded = 6 * 7\nargs = sys.argv")
        #expect(h.run("%run /nonexistent/file.sfs").hasPrefix("UsageError: %run: /nonexistent/file.sfs:"))
    }

    @Test func pwdCdAndEnv() {
        let h = Harness()
        let start = h.run("%pwd")
        #expect(start.hasPrefix("Out[1]: '/"))
        #expect(h.run("%env SFS_REPL_TEST=hello") == "env: SFS_REPL_TEST=hello\n")
        #expect(h.run("%env SFS_REPL_TEST") == "Out[3]: 'hello'\n")
        // The process's working directory is shared with tests running in parallel: only
        // "move" to where we already are, and check the failure path.
        let here = String(start.dropFirst("Out[1]: '".count).dropLast(2))
        #expect(h.run("%cd \(here)") == here + "\n")
        #expect(h.run("%cd /nonexistent-sfs-dir") == "[Errno 2] No such file or directory: '/nonexistent-sfs-dir'\n")
        #expect(h.run("%pwd") == start.replacing("Out[1]", with: "Out[6]"))
        #expect(h.run("%cd -") == here + "\n")
        #expect(h.run("%nosuchmagic").hasPrefix("UsageError: Line magic function `%nosuchmagic` not found."))
    }

    @Test func helpShowsSignatureAndDocOfUserFunctions() {
        let h = Harness()
        h.run("def scale(x, factor=2):", "    \"Multiplies x by factor.\"", "    return x * factor", "")
        let out = h.run("scale?")
        #expect(out.contains("Type:      function\n"))
        #expect(out.contains("Signature: scale(x, factor=2)\n"))
        #expect(out.contains("Docstring: Multiplies x by factor.\n"))
        #expect(h.run("%help scale") == out)
        #expect(h.run("nothing_here?") == "Object `nothing_here` not found.\n")
    }

    @Test func helpShowsDocstringsOfBuiltins() {
        // The texts are CPython's docstrings (`len.__doc__`, `str.upper.__doc__`, `list.append.__doc__`).
        let h = Harness()
        #expect(h.run("len?").contains("Docstring: Return the number of items in a container.\n"))
        #expect(h.run("\"abc\".upper?").contains("Docstring: Return a copy of the string converted to uppercase.\n"))
        h.run("xs = []")
        #expect(h.run("xs.append?").contains("Docstring: Append object to the end of the list.\n"))
        #expect(h.run("dict?").contains("dict() -> new empty dictionary"))
    }

    @Test func helpOnValuesAndModules() {
        let h = Harness()
        h.run("xs = [1, 2, 3]", "import math")
        let list = h.run("xs?")
        #expect(list.contains("Type:        list\n"))
        #expect(list.contains("String form: [1, 2, 3]\n"))
        #expect(list.contains("Length:      3\n"))
        let module = h.run("math?")
        #expect(module.firstMatch(of: #/Type: +module\n/#) != nil)
        #expect(module.contains("sqrt"))
        #expect(h.run("%help").contains("%timeit [-n N] [-r R] statement"))
    }

    @Test func shellEscape() {
        let h = Harness()
        #expect(h.run("!echo shell says hi") == "shell says hi\n")
        #expect(h.session.executionCount == 2)
    }

    @Test func quitMagic() {
        let h = Harness()
        h.run("%quit")
        #expect(h.session.isFinished)
    }
}
