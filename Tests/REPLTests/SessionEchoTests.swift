import REPL
import Script
import Testing

@Suite struct SessionEchoTests {
    @Test func variablesPersistAcrossCells() {
        let h = Harness()
        #expect(h.run("x = 41") == "")
        #expect(h.run("x + 1") == "Out[2]: 42\n")
    }
}

@Suite struct InterpreterProbe {
    @Test func twoPrograms() throws {
        let i = Interpreter()
        try i.execute(try i.compile("x = 41", file: "a"))
        #expect(i.global("x") != nil)
        let v = try i.execute(try i.compile("x + 1", file: "b", echo: true))
        #expect(v.map { "\($0)" } == "int(42)")
    }
    @Test func twoProgramsWithSetGlobal() throws {
        let i = Interpreter()
        i.setGlobal("_i", .str("a"))
        try i.execute(try i.compile("x = 41", file: "a"))
        #expect(i.global("x") != nil)
        i.setGlobal("_i1", .str("a"))
        let v = try i.execute(try i.compile("x + 1", file: "b", echo: true))
        #expect(v.map { "\($0)" } == "int(42)")
    }
}
