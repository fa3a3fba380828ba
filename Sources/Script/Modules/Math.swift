#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - math

func makeMathModule() -> ModuleObject {
    let m = ModuleObject("math", doc: "Mathematical functions (CPython's math module).")
    m.attributes["pi"] = .float(Double.pi)
    m.attributes["e"] = .float(M_E)
    m.attributes["tau"] = .float(2 * Double.pi)
    m.attributes["inf"] = .float(.infinity)
    m.attributes["nan"] = .float(.nan)
    func unary(_ name: String, _ f: @escaping (Double) -> Double, domain: ((Double) -> Bool)? = nil) {
        m.define(name, [Parameter("x")]) { a, i in
            let x = try i.toFloat(a[0])
            if let domain, !domain(x) { throw ScriptError.valueError("math domain error") }
            let r = f(x)
            if r.isInfinite && x.isFinite { throw ScriptError.overflow("math range error") }
            return .float(r)
        }
    }
    unary("sqrt", { $0.squareRoot() }, domain: { $0 >= 0 || $0.isNaN })
    unary("exp", { Glibc.exp($0) })
    unary("sin", { Glibc.sin($0) })
    unary("cos", { Glibc.cos($0) })
    unary("tan", { Glibc.tan($0) })
    unary("asin", { Glibc.asin($0) }, domain: { abs($0) <= 1 })
    unary("acos", { Glibc.acos($0) }, domain: { abs($0) <= 1 })
    unary("atan", { Glibc.atan($0) })
    unary("sinh", { Glibc.sinh($0) })
    unary("cosh", { Glibc.cosh($0) })
    unary("tanh", { Glibc.tanh($0) })
    unary("log2", { Glibc.log2($0) }, domain: { $0 > 0 })
    unary("log10", { Glibc.log10($0) }, domain: { $0 > 0 })
    unary("log1p", { Glibc.log1p($0) }, domain: { $0 > -1 })
    unary("expm1", { Glibc.expm1($0) })
    unary("fabs", { abs($0) })
    unary("erf", { Glibc.erf($0) })
    unary("erfc", { Glibc.erfc($0) })
    unary("degrees", { $0 * 180 / Double.pi })
    unary("radians", { $0 * Double.pi / 180 })
    m.define("log", [Parameter("x"), Parameter("base", default: Value.none)]) { a, i in
        let x = try i.toFloat(a[0])
        guard x > 0 else { throw ScriptError.valueError("math domain error") }
        if a[1].isNone { return .float(Glibc.log(x)) }
        let b = try i.toFloat(a[1])
        guard b > 0 && b != 1 else { throw b == 1 ? ScriptError.zeroDivision("float division by zero") : ScriptError.valueError("math domain error") }
        return .float(Glibc.log(x) / Glibc.log(b))
    }
    m.define("pow", [Parameter("x"), Parameter("y")]) { a, i in .float(Glibc.pow(try i.toFloat(a[0]), try i.toFloat(a[1]))) }
    m.define("atan2", [Parameter("y"), Parameter("x")]) { a, i in .float(Glibc.atan2(try i.toFloat(a[0]), try i.toFloat(a[1]))) }
    m.define("hypot") { args, i in .float(try args.positional.map { try i.toFloat($0) }.reduce(0) { $0 + $1 * $1 }.squareRoot()) }
    for (name, rule) in [("floor", FloatingPointRoundingRule.down), ("ceil", .up), ("trunc", .towardZero)] {
        m.define(name, [Parameter("x")]) { a, i in
            if let n = a[0].intLike { return .int(n) }
            return .int(try i.toInt(.float(try i.toFloat(a[0]).rounded(rule))))
        }
    }
    m.define("isnan", [Parameter("x")]) { a, i in .bool(try i.toFloat(a[0]).isNaN) }
    m.define("isinf", [Parameter("x")]) { a, i in .bool(try i.toFloat(a[0]).isInfinite) }
    m.define("isfinite", [Parameter("x")]) { a, i in .bool(try i.toFloat(a[0]).isFinite) }
    m.define("copysign", [Parameter("x"), Parameter("y")]) { a, i in .float(Glibc.copysign(try i.toFloat(a[0]), try i.toFloat(a[1]))) }
    m.define("fmod", [Parameter("x"), Parameter("y")]) { a, i in
        let y = try i.toFloat(a[1])
        if y == 0 { throw ScriptError.valueError("math domain error") }
        return .float(Glibc.fmod(try i.toFloat(a[0]), y))
    }
    m.define("isclose", [Parameter("a"), Parameter("b"), Parameter("rel_tol", default: .float(1e-9)), Parameter("abs_tol", default: .float(0))]) { a, i in
        let x = try i.toFloat(a[0]), y = try i.toFloat(a[1])
        let rel = try i.toFloat(a[2]), absTol = try i.toFloat(a[3])
        if x == y { return .bool(true) }
        if x.isInfinite || y.isInfinite { return .bool(false) }
        let diff = abs(x - y)
        return .bool(diff <= abs(rel * y) || diff <= abs(rel * x) || diff <= absTol)
    }
    m.define("factorial", [Parameter("n")]) { a, _ in
        guard let n = a[0].intLike else { throw ScriptError.typeError("'\(a[0].typeName)' object cannot be interpreted as an integer") }
        if n < 0 { throw ScriptError.valueError("factorial() not defined for negative values") }
        var r = 1
        if n > 1 {
            for k in 2...n {
                let (p, o) = r.multipliedReportingOverflow(by: k)
                if o { throw ScriptError.overflow("factorial(\(n)) overflows 64-bit ints") }
                r = p
            }
        }
        return .int(r)
    }
    m.define("gcd") { args, _ in
        var g = 0
        for v in args.positional {
            guard var b = v.intLike?.magnitude else { throw ScriptError.typeError("'\(v.typeName)' object cannot be interpreted as an integer") }
            var a = UInt(g)
            while b != 0 { (a, b) = (b, a % b) }
            g = Int(a)
        }
        return .int(g)
    }
    m.define("prod") { args, i in
        var r: Value = args.keyword("start") ?? .int(1)
        for v in try i.iterate(args.positional.first ?? .tuple([])) { r = try i.binary(.multiply, r, v) }
        return r
    }
    m.define("fsum") { args, i in
        // Neumaier compensated summation (exact enough to match CPython on ordinary inputs).
        var sum = 0.0, c = 0.0
        for v in try i.iterate(args.positional.first ?? .tuple([])) {
            let x = try i.toFloat(v)
            let t = sum + x
            if abs(sum) >= abs(x) { c += (sum - t) + x } else { c += (x - t) + sum }
            sum = t
        }
        return .float(sum + c)
    }
    m.define("comb", [Parameter("n"), Parameter("k")]) { a, _ in
        guard let n = a[0].intLike, var k = a[1].intLike else { throw ScriptError.typeError("comb() arguments must be integers") }
        if n < 0 || k < 0 { throw ScriptError.valueError("n must be a non-negative integer") }
        if k > n { return .int(0) }
        k = min(k, n - k)
        var r = 1
        if k > 0 {
            for j in 1...k {
                let (p, o) = r.multipliedReportingOverflow(by: n - k + j)
                if o { throw ScriptError.overflow("comb() result overflows 64-bit ints") }
                r = p / j
            }
        }
        return .int(r)
    }
    return m
}
