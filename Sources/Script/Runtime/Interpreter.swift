// MARK: - Interpreter
//
// The state one running program needs: a value stack that holds the local slots of every active
// call (locals are resolved to slot indices before execution, so a variable read is one indexed
// load and a call allocates nothing but cells for closures), the module's global slots, the
// registry of importable modules and the buffered standard output.

/// Global variables of the main module: values in slots, resolved by name at compile time.
public final class Globals {
    var values: [Value] = []
    var names: [String] = []
    var slotByName: [String: Int] = [:]

    /// The slot of `name`, created (pre-filled with the builtin of that name, if any) when new.
    func slot(for name: String, builtins: [String: Value]) -> Int {
        if let s = slotByName[name] { return s }
        let s = values.count
        slotByName[name] = s
        names.append(name)
        values.append(builtins[name] ?? .unbound)
        return s
    }
}

/// Runs `.sfs` programs. One interpreter holds one module's globals; the REPL keeps one alive
/// across inputs.
public final class Interpreter {
    // MARK: Frames
    var stack: UnsafeMutablePointer<Value>
    var stackCapacity: Int
    var base = 0
    var top = 0
    var cells: [Cell] = []
    var depth = 0
    /// Python's default recursion limit.
    public var recursionLimit = 1000
    /// The value carried by a `return` statement to the enclosing call.
    var returnValue: Value = .none
    /// The exception being handled (for a bare `raise`).
    var handling: [ScriptError] = []

    // MARK: Names
    public let globals = Globals()
    var builtins: [String: Value] = [:]
    var exceptionClasses: [String: ClassObject] = [:]
    var builtinTypes: [String: ClassObject] = [:]
    /// The `str` type, recognized by identity so `str(i)` skips building an argument list.
    var strType: ClassObject?

    // MARK: Modules
    var moduleLoaders: [String: (Interpreter) throws -> ModuleObject] = [:]
    var modules: [String: ModuleObject] = [:]
    /// `sys.argv`.
    public var argv: [String] = [""]

    // MARK: Sources (for tracebacks)
    var sources: [String: [Substring]] = [:]

    // MARK: Output
    /// Where standard output goes (buffered; see ``flush()``).
    public var writeStdout: (String) -> Void = { s in FileOutput.write(s, to: 1) }
    /// Where standard error goes (unbuffered).
    public var writeStderr: (String) -> Void = { s in FileOutput.write(s, to: 2) }
    /// Reads a line for `input()` (nil at end of input).
    public var readLine: () -> String? = { Swift.readLine(strippingNewline: true) }
    var outputBuffer = ""
    /// Flush standard output at every newline (the REPL sets it so a long cell's `print`s appear
    /// as they happen, as an interactive CPython's line-buffered stdout does); scripts keep the
    /// 64 KiB buffer, which is what makes printing in a loop cheap.
    public var lineBuffered = false
    var reprInProgress: Set<ObjectIdentifier> = []
    var echoValue: Value?
    /// The function whose body is running (for `super()` and tracebacks). Not retained: every frame's
    /// function is held alive by its caller for the duration of the call (a retain/release pair per
    /// call was a measurable part of recursive-call time).
    /// Held as `Unmanaged`: even an `unowned(unsafe)` variable is retained when its value is copied
    /// into a local to be restored later.
    var runningFunction: Unmanaged<FunctionObject>?
    var currentFunction: FunctionObject? { runningFunction?.takeUnretainedValue() }
    var objectClass: ClassObject = ClassObject(name: "object", bases: [])
    /// Set from another thread (Ctrl-C) to interrupt a running loop with KeyboardInterrupt.
    public let interruptFlag = InterruptFlag()
    var tick = 0

    public init() {
        stackCapacity = 1 << 14
        stack = UnsafeMutablePointer<Value>.allocate(capacity: stackCapacity)
        stack.initialize(repeating: .unbound, count: stackCapacity)
        installBuiltins()
        installStandardModules()
    }

    deinit {
        stack.deinitialize(count: stackCapacity)
        stack.deallocate()
    }

    // MARK: Output

    func write(_ s: String) {
        outputBuffer += s
        if outputBuffer.utf8.count > 1 << 16 || (lineBuffered && s.utf8.contains(10)) { flush() }
    }

    /// Writes buffered standard output.
    public func flush() {
        guard !outputBuffer.isEmpty else { return }
        writeStdout(outputBuffer)
        outputBuffer = ""
    }

    func writeError(_ s: String) {
        flush()
        writeStderr(s)
    }

    // MARK: Stack

    /// Makes room for `count` more slots above `top`.
    @inline(__always)
    func reserve(_ count: Int) {
        if top + count > stackCapacity { growStack(top + count) }
    }

    private func growStack(_ needed: Int) {
        var capacity = stackCapacity
        while capacity < needed { capacity *= 2 }
        let newStack = UnsafeMutablePointer<Value>.allocate(capacity: capacity)
        newStack.moveInitialize(from: stack, count: stackCapacity)
        (newStack + stackCapacity).initialize(repeating: .unbound, count: capacity - stackCapacity)
        stack.deallocate()
        stack = newStack
        stackCapacity = capacity
    }

    // MARK: Modules

    /// Registers an importable module. `loader` runs on first import; its module is cached.
    public func registerModule(_ name: String, _ loader: @escaping (Interpreter) throws -> ModuleObject) {
        moduleLoaders[name] = loader
    }

    /// Whether a module of that name can be imported.
    public func hasModule(_ name: String) -> Bool { moduleLoaders[name] != nil || modules[name] != nil }

    /// Imports a module by dotted name (`os.path`, `torch.nn.functional`).
    public func importModule(_ name: String) throws -> ModuleObject {
        if let m = modules[name] { return m }
        if let loader = moduleLoaders[name] {
            let m = try loader(self)
            modules[name] = m
            if let dot = name.lastIndex(of: "."), let parent = modules[String(name[..<dot])] {
                if parent.attributes[String(name[name.index(after: dot)...])] == nil {
                    parent.attributes[String(name[name.index(after: dot)...])] = .object(m)
                }
            }
            return m
        }
        if let dot = name.lastIndex(of: ".") {
            let parent = try importModule(String(name[..<dot]))
            if case .object(let o)? = parent.attributes[String(name[name.index(after: dot)...])], let m = o as? ModuleObject {
                modules[name] = m
                return m
            }
        }
        throw ScriptError(type: "ModuleNotFoundError", args: [.str("No module named '\(name)'")])
    }

    // MARK: Globals access for embedders

    /// Reads a global variable (nil when not defined).
    public func global(_ name: String) -> Value? {
        guard let s = globals.slotByName[name] else { return nil }
        if case .unbound = globals.values[s] { return nil }
        return globals.values[s]
    }

    /// Defines or replaces a global variable.
    public func setGlobal(_ name: String, _ value: Value) {
        let s = globals.slot(for: name, builtins: builtins)
        globals.values[s] = value
    }

    /// The names of user-defined globals, in definition order.
    public var globalNames: [String] {
        globals.names.enumerated().compactMap { i, name in
            if case .unbound = globals.values[i] { return nil }
            if let b = builtins[name], b.isIdentical(to: globals.values[i]) { return nil }
            return name
        }
    }

    /// Adds a builtin name visible from every script (the library can add its own).
    public func setBuiltin(_ name: String, _ value: Value) {
        builtins[name] = value
        if let s = globals.slotByName[name], case .unbound = globals.values[s] { globals.values[s] = value }
    }

    // MARK: Interrupts

    @inline(__always)
    func checkInterrupt() throws {
        tick &+= 1
        if tick & 0x3FF == 0, interruptFlag.isSet {
            interruptFlag.clear()
            throw ScriptError(type: "KeyboardInterrupt", args: [])
        }
    }
}

/// A flag another thread can set (Ctrl-C handlers).
public final class InterruptFlag: @unchecked Sendable {
    private var value: Int32 = 0
    public init() {}
    public var isSet: Bool { value != 0 }
    public func set() { value = 1 }
    public func clear() { value = 0 }
}
