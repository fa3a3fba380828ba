// MARK: - sys

extension Interpreter {
    func makeSysModule() -> ModuleObject {
        let m = ModuleObject("sys", doc: "Interpreter state: argv, exit, stdout/stderr, version.")
        m.attributes["argv"] = .list(ListObject(argv.map { .str($0) }))
        m.attributes["stdout"] = .object(StreamObject(fd: 1))
        m.attributes["stderr"] = .object(StreamObject(fd: 2))
        m.attributes["version"] = .str("3.11.0 (sfs)")
        m.attributes["version_info"] = .tuple([.int(3), .int(11), .int(0)])
        m.attributes["platform"] = .str("linux")
        m.attributes["maxsize"] = .int(Int.max)
        m.attributes["path"] = .list(ListObject([]))
        m.attributes["modules"] = .dict(DictObject())
        m.define("exit", [Parameter("status", default: Value.none)]) { a, _ in
            throw ScriptError(type: "SystemExit", args: [a[0]])
        }
        m.define("getrecursionlimit", []) { _, i in .int(i.recursionLimit) }
        m.define("setrecursionlimit", [Parameter("limit")]) { a, i in
            guard let n = a[0].intLike, n > 0 else { throw ScriptError.valueError("recursion limit must be greater or equal than 1") }
            i.recursionLimit = min(n, 100_000)
            return Value.none
        }
        return m
    }
}
