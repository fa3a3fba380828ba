// Library golden tests: each `cases/<name>.sfs` is a valid Python script using the torch/numpy bindings; its
// `<name>.out` is what the reference PyTorch printed (Scripts/fixtures/library/make-golden.sh), and our
// interpreter with the library installed must print exactly the same.
import Foundation
import Hub
import Script
import ScriptLibrary
import Testing

enum LibraryCases {
    static var directory: URL? { Bundle.module.resourceURL?.appendingPathComponent("cases") }

    static var names: [String] {
        guard let dir = directory, let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return files.filter { $0.hasSuffix(".sfs") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func read(_ name: String, _ ext: String) -> String? {
        guard let dir = directory else { return nil }
        return try? String(contentsOf: dir.appendingPathComponent(name + "." + ext), encoding: .utf8)
    }

    /// Runs a script with the library installed; returns stdout, stderr and the exit status.
    static func run(_ source: String, file: String, hub: Hub = Hub()) -> (out: String, err: String, status: Int32) {
        runOnLargeStack(stackSize: 512 << 20) {
            let interp = Interpreter()
            ScriptLibrary.install(in: interp, hub: hub)
            var out = "", err = ""
            interp.writeStdout = { out += $0 }
            interp.writeStderr = { err += $0 }
            let status = interp.run(source, file: file).exitStatus
            interp.flush()
            return (out, err, status)
        }
    }
}

@Test func libraryCasesArePresent() {
    #expect(LibraryCases.names.count >= 3, "found \(LibraryCases.names.count) cases")
}

@Test(arguments: LibraryCases.names)
func libraryGolden(_ name: String) throws {
    let source = try #require(LibraryCases.read(name, "sfs"))
    let expected = try #require(LibraryCases.read(name, "out"))
    let result = LibraryCases.run(source, file: name + ".sfs")
    #expect(result.status == 0, "\(name) failed:\n\(result.err)")
    let got = result.out.split(separator: "\n", omittingEmptySubsequences: false)
    let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, (g, w)) in zip(got, want).enumerated() where g != w {
        Issue.record("\(name) line \(index + 1):\n  got:  \(g)\n  want: \(w)")
        break
    }
    #expect(got.count == want.count, "\(name): \(got.count) lines, expected \(want.count)")
}
