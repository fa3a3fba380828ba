// The `sfs` command: REPL, run a script file, `-c`. Placeholder until the language issue lands.
import ArgumentParser
import REPL

@main
struct SFS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfs", abstract: "Swiftformers: a notebook-style REPL and .sfs script runner.",
        version: "0.1.0")
    func run() throws {
        print("sfs: the language is not built yet")
    }
}
