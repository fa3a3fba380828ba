#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Text files and standard streams

/// Reads a whole file as bytes (nil with errno set on failure).
func readFileBytes(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n > 0 { out.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count { break }
    }
    return out
}

func osError(_ path: String) -> ScriptError {
    let code = errno
    let message = String(cString: strerror(code))
    let type: String
    switch code {
    case ENOENT: type = "FileNotFoundError"
    case EEXIST: type = "FileExistsError"
    case EACCES, EPERM: type = "PermissionError"
    case EISDIR: type = "IsADirectoryError"
    case ENOTDIR: type = "NotADirectoryError"
    default: type = "OSError"
    }
    return ScriptError(type: type, "[Errno \(code)] \(message): \(pythonStringRepr(path))")
}

/// A text file opened with `open()`: reads the whole file up front, buffers writes until close.
final class FileObject: ScriptObject, ScriptIterator {
    let path: String
    let mode: String
    var content: [Unicode.Scalar] = []
    var position = 0
    var pending = ""
    var closed = false
    var handle: UnsafeMutablePointer<FILE>?

    init(path: String, mode: String) throws {
        self.path = path
        self.mode = mode
        if mode.contains("r") && !mode.contains("+") {
            var isDirectory = stat()
            if stat(path, &isDirectory) == 0 && (isDirectory.st_mode & S_IFMT) == S_IFDIR {
                throw ScriptError(type: "IsADirectoryError", "[Errno 21] Is a directory: \(pythonStringRepr(path))")
            }
            guard let bytes = readFileBytes(path) else { throw osError(path) }
            content = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        } else {
            guard let h = fopen(path, mode.contains("a") ? "ab" : "wb") else { throw osError(path) }
            handle = h
        }
    }

    var typeName: String { "TextIOWrapper" }

    func write(_ s: String) throws {
        guard let handle, !closed else { throw ScriptError.valueError("I/O operation on closed file.") }
        var s = s
        s.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    func close() {
        if let handle { fclose(handle) }
        handle = nil
        closed = true
    }

    func readLine() -> String? {
        guard position < content.count else { return nil }
        var line = String.UnicodeScalarView()
        while position < content.count {
            let c = content[position]
            position += 1
            line.append(c)
            if c == "\n" { break }
        }
        return String(line)
    }

    func next() throws -> Value? { readLine().map { .str($0) } }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { self }
    func enter(in interp: Interpreter) throws -> Value { .object(self) }
    func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool {
        close()
        return false
    }
    func repr(in interp: Interpreter) throws -> String { "<_io.TextIOWrapper name=\(pythonStringRepr(path)) mode=\(pythonStringRepr(mode)) encoding='UTF-8'>" }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "name": return .str(path)
        case "mode": return .str(mode)
        case "closed": return .bool(closed)
        case "read":
            return .object(BuiltinFunction("read") { [unowned self] args, _ in
                let n = args.positional.first?.intLike ?? -1
                let end = n < 0 ? self.content.count : min(self.content.count, self.position + n)
                let s = String(String.UnicodeScalarView(self.content[self.position..<end]))
                self.position = end
                return .str(s)
            })
        case "readline":
            return .object(BuiltinFunction("readline") { [unowned self] _, _ in .str(self.readLine() ?? "") })
        case "readlines":
            return .object(BuiltinFunction("readlines") { [unowned self] _, _ in
                var out: [Value] = []
                while let l = self.readLine() { out.append(.str(l)) }
                return .list(ListObject(out))
            })
        case "write":
            return .object(BuiltinFunction("write") { [unowned self] args, _ in
                guard case .str(let s)? = args.positional.first else { throw ScriptError.typeError("write() argument must be str") }
                try self.write(s)
                return .int(s.unicodeScalars.count)
            })
        case "writelines":
            return .object(BuiltinFunction("writelines") { [unowned self] args, i in
                for v in try i.iterate(args.positional.first ?? .list([])) { try self.write(try i.str(v)) }
                return Value.none
            })
        case "close":
            return .object(BuiltinFunction("close") { [unowned self] _, _ in
                self.close()
                return Value.none
            })
        case "flush": return .object(BuiltinFunction("flush") { _, _ in .none })
        default: return nil
        }
    }
}

/// `sys.stdout` / `sys.stderr`.
final class StreamObject: ScriptObject {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    var typeName: String { "TextIOWrapper" }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "write":
            return .object(BuiltinFunction("write") { [fd] args, i in
                guard case .str(let s)? = args.positional.first else { throw ScriptError.typeError("write() argument must be str") }
                if fd == 2 { i.writeError(s) } else { i.write(s) }
                return .int(s.unicodeScalars.count)
            })
        case "flush": return .object(BuiltinFunction("flush") { _, i in i.flush(); return Value.none })
        case "isatty": return .object(BuiltinFunction("isatty") { [fd] _, _ in .bool(isatty(fd) != 0) })
        default: return nil
        }
    }
    func repr(in interp: Interpreter) throws -> String { fd == 2 ? "<_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'>" : "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>" }
}
