// MARK: - Standard modules registry
//
// One line per module; each module lives in its own file.

extension Interpreter {
    func installStandardModules() {
        registerModule("math") { _ in makeMathModule() }
        registerModule("sys") { i in i.makeSysModule() }
        registerModule("json") { i in i.makeJsonModule() }
        registerModule("os") { i in try i.makeOSModule() }
        registerModule("os.path") { i in i.makeOSPathModule() }
        registerModule("time") { i in i.makeTimeModule() }
        registerModule("random") { i in i.makeRandomModule() }
        registerModule("itertools") { i in i.makeItertoolsModule() }
        registerModule("collections") { i in i.makeCollectionsModule() }
    }
}
