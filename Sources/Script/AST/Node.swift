// MARK: - AST
//
// The tree the parser builds is also what runs: every node is a final class with an `eval`
// (expressions) or `exec` (statements) method, dispatched virtually. The resolver fills in the
// slot of every name before the tree runs.

/// How a statement finished.
enum Flow {
    case normal, breakLoop, continueLoop, returned
    /// A generator body stopped at a `yield` (only the generator runner sees it; see Generators.swift).
    case yielded
}

/// Base class of expressions.
class Expr {
    let location: SourceLocation
    init(_ location: SourceLocation) { self.location = location }

    func eval(_ i: Interpreter) throws -> Value {
        throw ScriptError.runtimeError("internal: \(Self.self) cannot be evaluated")
    }
    /// Assigns to this expression as a target (`x = …`, `a.b = …`, `a[i] = …`, `a, b = …`).
    func assign(_ value: Value, _ i: Interpreter) throws {
        throw ScriptError.runtimeError("internal: cannot assign to \(Self.self)")
    }
    /// `del` of this expression.
    func delete(_ i: Interpreter) throws {
        throw ScriptError.runtimeError("internal: cannot delete \(Self.self)")
    }

    /// Runs `body`, giving a script error that has no location yet this expression's location.
    @inline(__always)
    final func located<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
}

/// Base class of statements.
class Stmt {
    let location: SourceLocation
    /// Whether a `yield` of this function sits inside (set by the resolver): such statements run
    /// through the resumable path of Generators.swift inside a generator body.
    var containsYield = false
    init(_ location: SourceLocation) { self.location = location }
    func exec(_ i: Interpreter) throws -> Flow { .normal }
}

/// A compiled function body (or the module's top level).
final class CodeUnit {
    let name: String
    let file: String
    var parameters: [ParameterSpec] = []
    var varArgs: String?
    var varKeywords: String?
    var body: [Stmt] = [] {
        didSet { statements.replace(with: body) }
    }
    /// `body` as unmanaged references (kept alive by `body`): a call walks it without retaining the
    /// array, which a `var` array property otherwise costs on every call.
    private(set) var statements = StatementBuffer()
    /// Number of local slots (parameters first, in order, then `*args`, `**kwargs`, then locals).
    var frameSize = 0
    /// For each cell variable the parameter slot it is initialized from (or nil for a plain local).
    var cellParameterSlots: [Int?] = []
    var freeVariableCount = 0
    /// Names of the local slots (for error messages and `locals()`).
    var slotNames: [String] = []
    var docstring: String?
    let isLambda: Bool
    /// Parameters that are keyword-only (after `*` or `*args`).
    var keywordOnlyStart: Int?
    /// A `yield` in the body makes calling the function return a generator.
    var isGenerator = false
    /// The argument count a call may bind straight to slots (``isSimple``), or -1; set by the resolver.
    /// A stored int: the call path reads it instead of the optional strings `isSimple` looks at.
    var fastCallArity = -1

    init(name: String, file: String, isLambda: Bool = false) {
        self.name = name
        self.file = file
        self.isLambda = isLambda
    }
    var positionalCount: Int { keywordOnlyStart ?? parameters.count }

    deinit { statements.replace(with: []) }
}

/// A block's statements as a plain buffer of unmanaged references; its owner holds the strong ones.
struct StatementBuffer {
    private(set) var base: UnsafeMutablePointer<Unmanaged<Stmt>>?
    private(set) var count = 0

    mutating func replace(with statements: [Stmt]) {
        base?.deallocate()
        base = nil
        count = statements.count
        guard count > 0 else { return }
        let buffer = UnsafeMutablePointer<Unmanaged<Stmt>>.allocate(capacity: count)
        for (k, s) in statements.enumerated() { (buffer + k).initialize(to: .passUnretained(s)) }
        base = buffer
    }
}

/// A parameter as written: name and default expression.
struct ParameterSpec {
    var name: String
    var defaultValue: Expr?
}

/// Runs a block of statements. The statements are reached through `Unmanaged` references: the block's
/// owner keeps them alive for the whole run, and reading them as plain strong references costs a
/// retain and a release per statement, which showed up as a tenth of the time of call-heavy scripts.
@inline(__always)
func execBlock(_ body: [Stmt], _ i: Interpreter) throws -> Flow {
    try withUnmanagedElements(of: body) { statements, count in
        guard let statements else { return .normal }
        return try execStatements(statements, count, i)
    }
}

/// An array of AST nodes read as `Unmanaged` references (nil when empty), so a walk over it costs no retain and
/// release per node; the array's owner keeps the nodes alive.
@inline(__always)
func withUnmanagedElements<T: AnyObject, R>(of nodes: [T], _ body: (UnsafePointer<Unmanaged<T>>?, Int) throws -> R) rethrows -> R {
    try nodes.withUnsafeBufferPointer { buffer in
        try body(buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: Unmanaged<T>.self) }, buffer.count)
    }
}

/// Runs `count` statements; the caller keeps them alive.
@inline(__always)
func execStatements(_ statements: UnsafePointer<Unmanaged<Stmt>>, _ count: Int, _ i: Interpreter) throws -> Flow {
    for k in 0..<count {
        let flow = try statements[k]._withUnsafeGuaranteedRef { s in try execStatement(s, i) }
        if case .normal = flow { continue }
        return flow
    }
    return .normal
}

/// Runs one statement, giving an error without a location the statement's location.
@inline(__always)
func execStatement(_ s: Stmt, _ i: Interpreter) throws -> Flow {
    do {
        return try s.exec(i)
    } catch var e as ScriptError {
        if e.location == nil { e.location = s.location }
        throw e
    } catch {
        var e = i.convert(error)
        e.location = s.location
        throw e
    }
}
