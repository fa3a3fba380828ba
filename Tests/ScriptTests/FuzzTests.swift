// Fuzzing the lexer, parser and resolver: random token soup and mutations of the golden cases
// must produce a program or a SyntaxError — never a crash or a hang. The in-suite run is short;
// set SFS_FUZZ_SECONDS=60 (or more) for a long run.
import Foundation
import Testing

@testable import Script

/// A small deterministic generator (SplitMix64), so a failing input can be reproduced.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fuzz {
    static let fragments = [
        "def", "f", "(", ")", ":", "\n", "    ", "return", "x", "=", "+", "1", "2.5", "'s'", "\"t\"", "[", "]", "{", "}",
        ",", "if", "else", "elif", "for", "in", "while", "lambda", "*", "**", "@", "import", "from", "as", "class",
        "try", "except", "finally", "with", "yield", "not", "and", "or", "is", "None", "True", ".", ";", "#c", "\\",
        "f'{x!r:>{w}}'", "'''", "\"\"\"", "0x1F", "1e-5", "...", ":=", "->", "global", "nonlocal", "del", "pass",
        "break", "continue", "raise", "assert", "\t", "é", "🙂", "==", "<=", "!=", "//", "%", "~", "-", "|", "&", "^",
    ]

    static func randomProgram(_ rng: inout SplitMix) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 1...60, using: &rng) {
            s += fragments.randomElement(using: &rng) ?? ""
            if Bool.random(using: &rng) { s += " " }
        }
        return s
    }

    static func mutate(_ source: String, _ rng: inout SplitMix) -> String {
        var chars = Array(source)
        guard !chars.isEmpty else { return source }
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let k = Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: chars.remove(at: k)
            case 1: chars.insert(Character(fragments.randomElement(using: &rng)?.first.map(String.init) ?? "x"), at: k)
            case 2: chars[k] = "([{)]}:'\"\n #\\".randomElement(using: &rng) ?? " "
            default:
                let j = Int.random(in: 0..<chars.count, using: &rng)
                chars.swapAt(k, j)
            }
            if chars.isEmpty { break }
        }
        return String(chars)
    }

    /// Compiles (lex, parse, resolve) without running; returns how many inputs were tried.
    static func run(seconds: Double, seed: UInt64) -> Int {
        let corpus = GoldenCases.names.compactMap { GoldenCases.read($0, "sfs") }
        return runOnLargeStack {
            var rng = SplitMix(state: seed)
            let start = Date()
            var count = 0
            while Date().timeIntervalSince(start) < seconds {
                let input = corpus.isEmpty || Bool.random(using: &rng)
                    ? randomProgram(&rng) : mutate(corpus.randomElement(using: &rng) ?? "", &rng)
                let interp = Interpreter()
                _ = try? interp.compile(input, file: "fuzz.sfs")
                count += 1
            }
            return count
        }
    }
}

@Test func fuzzLexerAndParser() {
    let seconds = Double(ProcessInfo.processInfo.environment["SFS_FUZZ_SECONDS"] ?? "") ?? 2
    let tried = Fuzz.run(seconds: seconds, seed: 0x5F5)
    #expect(tried > 10)
}

@Test func deeplyNestedInputIsASyntaxErrorNotACrash() {
    let interp = Interpreter()
    let nested = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
    #expect(throws: SyntaxError.self) { try interp.compile(nested, file: "nested.sfs") }
    let deepNot = String(repeating: "not ", count: 5000) + "x"
    #expect(throws: SyntaxError.self) { try interp.compile(deepNot, file: "nested.sfs") }
}

@Test func recursionLimitIsARecursionError() {
    let result = GoldenCases.run("def f(n):\n    return f(n + 1)\nf(0)\n", file: "deep.sfs")
    #expect(result.status == 1)
    #expect(result.err.hasSuffix("RecursionError: maximum recursion depth exceeded\n"))
}

/// Found by the fuzzer: whitespace after the last newline used to index past the end of the source.
@Test func trailingIndentationAtEndOfFile() throws {
    let interp = Interpreter()
    _ = try interp.compile("x = 1\n   ", file: "ws.sfs")
    _ = try interp.compile("if x:\n    y = 2\n  \t", file: "ws.sfs")
}
