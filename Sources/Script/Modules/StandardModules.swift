// MARK: - Standard modules registry
//
// One line per module; each module lives in its own file.

extension Interpreter {
    func installStandardModules() {
        registerModule("math") { _ in makeMathModule() }
        registerModule("sys") { i in i.makeSysModule() }
    }
}
