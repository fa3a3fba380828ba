// The native-object protocol end to end: a tiny Swift type (`Vec`) adopted as a script value
// and registered as module `vecs`, exercised through every hook a library type uses.
import Testing

@testable import Script

/// A minimal vector type, as a library would bind a tensor.
final class Vec: ScriptObject {
    var xs: [Double]
    var entered = 0
    init(_ xs: [Double]) { self.xs = xs }

    var typeName: String { "Vec" }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "shape": return .tuple([.int(xs.count)])
        case "sum":
            return .object(BuiltinFunction("sum", parameters: [Parameter("scale", default: .float(1))]) { [unowned self] a, i in
                .float(self.xs.reduce(0, +) * (try i.toFloat(a[0])))
            })
        default: return nil
        }
    }
    func attributeNames() -> [String] { ["shape", "sum"] }
    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        // Reports the structured index it received, so the script can print it.
        let parts = index.components.map { c -> String in
            switch c {
            case .value(let v): return "v\((try? interp.repr(v)) ?? "?")"
            case .slice(let a, let b, let s): return "s(\(a.map(String.init) ?? "_"),\(b.map(String.init) ?? "_"),\(s.map(String.init) ?? "_"))"
            case .newAxis: return "None"
            case .ellipsis: return "..."
            }
        }
        return .str(parts.joined(separator: " ") + (index.isTuple ? " tuple" : ""))
    }
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        switch (op, other) {
        case (.add, .object(let o as Vec)): return .object(Vec(zip(xs, o.xs).map { $0 + $1 }))
        case (.multiply, _):
            let k = try interp.toFloat(other)
            return .object(Vec(xs.map { $0 * k }))
        case (.matmul, .object(let o as Vec)): return .float(zip(xs, o.xs).map { $0 * $1 }.reduce(0, +))
        case (.less, .object(let o as Vec)): return .bool(xs.reduce(0, +) < o.xs.reduce(0, +))
        default: return nil
        }
    }
    func unaryOperation(_ op: UnaryOperator, in interp: Interpreter) throws -> Value? {
        op == .negate ? .object(Vec(xs.map { -$0 })) : nil
    }
    func repr(in interp: Interpreter) throws -> String { "Vec(\(xs.map(pythonFloatRepr).joined(separator: ", ")))" }
    func length(in interp: Interpreter) throws -> Int? { xs.count }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(xs.map { .float($0) }) }
    func enter(in interp: Interpreter) throws -> Value {
        entered += 1
        return .str("entered \(entered)")
    }
    func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool { error?.typeName == "KeyError" }
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        .str("called with \(args.positional.count) positional, keywords \(args.keywords.map(\.name))")
    }
}

struct VecError: ScriptConvertibleError {
    var scriptExceptionType: String { "ValueError" }
    var scriptMessage: String { "vec: lengths 2 and 3 differ" }
}
struct PlainSwiftError: Error, CustomStringConvertible {
    var description: String { "plain failure from Swift" }
}

func makeVecInterpreter() -> Interpreter {
    let interp = Interpreter()
    interp.registerModule("vecs") { _ in
        let m = ModuleObject("vecs")
        m.define("Vec") { args, i in .object(Vec(try args.positional.map { try i.toFloat($0) })) }
        m.define("fail", []) { _, _ in throw VecError() }
        m.define("crash", []) { _, _ in throw PlainSwiftError() }
        return m
    }
    return interp
}

@Test func nativeObjectProtocol() {
    let script = """
        import vecs
        from vecs import Vec
        a = Vec(1, 2, 3)
        b = vecs.Vec(10, 20, 30)
        print(a, len(a), a.shape, a.sum(), a.sum(scale=2), list(a))
        print(a + b, a * 2, a @ b, -a, a < b, b < a)
        print(a[0], a[0, -1, :], a[..., None], a[1:2], a[::2, 3])
        kw = {"top_k": 5}
        print(a(1, 2, **kw), a(x=1))
        with a as entered:
            print(entered)
        with a:
            raise KeyError("suppressed by __exit__")
        print("after with")
        try:
            vecs.fail()
        except ValueError as e:
            print("caught", type(e).__name__, e)
        try:
            vecs.crash()
        except RuntimeError as e:
            print("caught", type(e).__name__, e)
        try:
            import transformers
        except ModuleNotFoundError as e:
            print(e)
        print(dir(a))
        """
    let result = runOnLargeStack {
        let interp = makeVecInterpreter()
        var out = ""
        var err = ""
        interp.writeStdout = { out += $0 }
        interp.writeStderr = { err += $0 }
        let status = interp.run(script, file: "native.sfs").exitStatus
        return (out, err, status)
    }
    #expect(result.2 == 0, "stderr: \(result.1)")
    let expected = """
        Vec(1.0, 2.0, 3.0) 3 (3,) 6.0 12.0 [1.0, 2.0, 3.0]
        Vec(11.0, 22.0, 33.0) Vec(2.0, 4.0, 6.0) 140.0 Vec(-1.0, -2.0, -3.0) True False
        v0 v0 v-1 s(_,_,_) tuple ... None tuple s(1,2,_) s(_,_,2) v3 tuple
        called with 2 positional, keywords ["top_k"] called with 0 positional, keywords ["x"]
        entered 1
        after with
        caught ValueError vec: lengths 2 and 3 differ
        caught RuntimeError plain failure from Swift
        No module named 'transformers'
        ['shape', 'sum']

        """
    #expect(result.0 == expected)
}
