#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - os and os.path

func fileStatus(_ path: String) -> stat? {
    var info = stat()
    return stat(path, &info) == 0 ? info : nil
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `os.path.normpath`.
func normalizePath(_ path: String) -> String {
    if path.isEmpty { return "." }
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
            continue
        }
        if part == ".." && absolute { continue }
        parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
}

func joinPaths(_ parts: [String]) -> String {
    var out = ""
    for p in parts {
        if p.hasPrefix("/") { out = p } else if out.isEmpty || out.hasSuffix("/") { out += p } else { out += "/" + p }
    }
    return out
}

func splitExtension(_ path: String) -> (String, String) {
    let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    guard let dot = base.lastIndex(of: "."), dot != base.startIndex, base[..<dot].contains(where: { $0 != "." }) else { return (path, "") }
    let ext = String(base[dot...])
    return (String(path.dropLast(ext.count)), ext)
}

extension Interpreter {
    func makeOSPathModule() -> ModuleObject {
        let m = ModuleObject("os.path", doc: "Path name manipulation (POSIX).")
        func str(_ v: Value, _ f: String) throws -> String {
            guard case .str(let s) = v else { throw ScriptError.typeError("\(f)() argument must be str, not '\(v.typeName)'") }
            return s
        }
        m.define("join") { args, _ in
            guard !args.positional.isEmpty else { throw ScriptError.typeError("join() missing 1 required positional argument: 'a'") }
            return .str(joinPaths(try args.positional.map { try str($0, "join") }))
        }
        m.define("basename", [Parameter("p")]) { a, _ in
            let p = try str(a[0], "basename")
            return .str(p.hasSuffix("/") ? "" : String(p.split(separator: "/", omittingEmptySubsequences: false).last ?? ""))
        }
        m.define("dirname", [Parameter("p")]) { a, _ in
            let p = try str(a[0], "dirname")
            guard let slash = p.lastIndex(of: "/") else { return .str("") }
            var head = String(p[...slash])
            if head.contains(where: { $0 != "/" }) { while head.hasSuffix("/") { head.removeLast() } }
            return .str(head)
        }
        m.define("split", [Parameter("p")]) { a, _ in
            let p = try str(a[0], "split")
            guard let slash = p.lastIndex(of: "/") else { return .tuple([.str(""), .str(p)]) }
            var head = String(p[...slash])
            if head.contains(where: { $0 != "/" }) { while head.hasSuffix("/") { head.removeLast() } }
            return .tuple([.str(head), .str(String(p[p.index(after: slash)...]))])
        }
        m.define("splitext", [Parameter("p")]) { a, _ in
            let (root, ext) = splitExtension(try str(a[0], "splitext"))
            return .tuple([.str(root), .str(ext)])
        }
        m.define("exists", [Parameter("path")]) { a, _ in .bool(fileStatus(try str(a[0], "exists")) != nil) }
        m.define("isfile", [Parameter("path")]) { a, _ in
            .bool(fileStatus(try str(a[0], "isfile")).map { ($0.st_mode & S_IFMT) == S_IFREG } ?? false)
        }
        m.define("isdir", [Parameter("s")]) { a, _ in
            .bool(fileStatus(try str(a[0], "isdir")).map { ($0.st_mode & S_IFMT) == S_IFDIR } ?? false)
        }
        m.define("isabs", [Parameter("s")]) { a, _ in .bool(try str(a[0], "isabs").hasPrefix("/")) }
        m.define("getsize", [Parameter("filename")]) { a, _ in
            let p = try str(a[0], "getsize")
            guard let info = fileStatus(p) else { throw osError(p) }
            return .int(Int(info.st_size))
        }
        m.define("normpath", [Parameter("path")]) { a, _ in .str(normalizePath(try str(a[0], "normpath"))) }
        m.define("abspath", [Parameter("path")]) { a, _ in
            let p = try str(a[0], "abspath")
            return .str(normalizePath(p.hasPrefix("/") ? p : joinPaths([currentDirectory(), p])))
        }
        m.define("expanduser", [Parameter("path")]) { a, _ in
            let p = try str(a[0], "expanduser")
            guard p.hasPrefix("~"), let home = getenv("HOME") else { return .str(p) }
            return .str(String(cString: home) + p.dropFirst())
        }
        m.attributes["sep"] = .str("/")
        return m
    }

    func makeOSModule() throws -> ModuleObject {
        let m = ModuleObject("os", doc: "Operating system interfaces: environment, files and directories.")
        m.attributes["path"] = .object(try importModule("os.path"))
        m.attributes["sep"] = .str("/")
        m.attributes["linesep"] = .str("\n")
        m.attributes["name"] = .str("posix")
        let environ = DictObject()
        var p = Glibc.environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                environ.setUnchecked(.str(String(text[..<eq])), .str(String(text[text.index(after: eq)...])))
            }
            p += 1
        }
        m.attributes["environ"] = .dict(environ)
        m.define("getenv", [Parameter("key"), Parameter("default", default: Value.none)]) { a, _ in
            guard case .str(let k) = a[0] else { throw ScriptError.typeError("str expected, not \(a[0].typeName)") }
            return environ.get(k) ?? a[1]
        }
        m.define("getcwd", []) { _, _ in .str(currentDirectory()) }
        m.define("chdir", [Parameter("path")]) { a, _ in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("chdir: path should be string") }
            if chdir(path) != 0 { throw osError(path) }
            return Value.none
        }
        m.define("listdir", [Parameter("path", default: .str("."))]) { a, _ in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("listdir: path should be string") }
            guard let dir = opendir(path) else { throw osError(path) }
            defer { closedir(dir) }
            var names: [Value] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(.str(name)) }
            }
            return .list(ListObject(names))
        }
        m.define("mkdir", [Parameter("path"), Parameter("mode", default: .int(0o777))]) { a, _ in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("mkdir: path should be string") }
            if mkdir(path, mode_t(a[1].intLike ?? 0o777)) != 0 { throw osError(path) }
            return Value.none
        }
        m.define("makedirs", [Parameter("name"), Parameter("mode", default: .int(0o777)), Parameter("exist_ok", default: .bool(false))]) { a, i in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("makedirs: path should be string") }
            let existOK = try i.truthy(a[2])
            if fileStatus(path) != nil {
                if existOK { return Value.none }
                throw ScriptError(type: "FileExistsError", "[Errno 17] File exists: \(pythonStringRepr(path))")
            }
            var current = path.hasPrefix("/") ? "/" : ""
            for part in path.split(separator: "/") {
                current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + part
                if fileStatus(current) == nil, mkdir(current, 0o777) != 0 { throw osError(current) }
            }
            return Value.none
        }
        m.define("remove", [Parameter("path")]) { a, _ in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("remove: path should be string") }
            if unlink(path) != 0 { throw osError(path) }
            return Value.none
        }
        m.attributes["unlink"] = m.attributes["remove"]
        m.define("rmdir", [Parameter("path")]) { a, _ in
            guard case .str(let path) = a[0] else { throw ScriptError.typeError("rmdir: path should be string") }
            if rmdir(path) != 0 { throw osError(path) }
            return Value.none
        }
        m.define("rename", [Parameter("src"), Parameter("dst")]) { a, _ in
            guard case .str(let s) = a[0], case .str(let d) = a[1] else { throw ScriptError.typeError("rename: paths should be strings") }
            if rename(s, d) != 0 { throw osError(s) }
            return Value.none
        }
        m.define("cpu_count", []) { _, _ in .int(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
        m.define("getpid", []) { _, _ in .int(Int(getpid())) }
        return m
    }
}
