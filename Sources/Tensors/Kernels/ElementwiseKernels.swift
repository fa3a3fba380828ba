import CKernels
import Foundation

// MARK: - Kernel protocols

/// A float32 binary operation in two forms: sixteen lanes at a time for dense and scalar-broadcast runs, one
/// element at a time for tails and strided runs. Kernels are generic over the op type so that each op gets its
/// own specialized, inlined loop.
protocol FloatBinaryKernel {
    static func simd(_ a: Float16x, _ b: Float16x) -> Float16x
    static func scalar(_ a: Float, _ b: Float) -> Float
    /// The op's AVX2 kernel in CKernels, if it has one (used when `NativeKernels.isEnabled`).
    static var native: sfk_binary_op? { get }
}

extension FloatBinaryKernel {
    static var native: sfk_binary_op? { nil }
}

/// A float32 unary operation; see `FloatBinaryKernel`.
protocol FloatUnaryKernel {
    static func simd(_ x: Float16x) -> Float16x
    static func scalar(_ x: Float) -> Float
    /// The op's AVX2 kernel in CKernels, if it has one (used when `NativeKernels.isEnabled`).
    static var native: sfk_unary_op? { get }
}

extension FloatUnaryKernel {
    static var native: sfk_unary_op? { nil }
}

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> Float16x { UnsafeRawPointer(p).loadUnaligned(as: Float16x.self) }

@inline(__always)
func storeVector(_ v: Float16x, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float16x.self) }

// MARK: - Run loops

/// One run of a binary op: `out[i] = op(a[i·sa], b[i·sb])` for `i < n`, vectorized when the strides are 1 or 0.
@inline(__always)
func floatBinaryRun<K: FloatBinaryKernel>(
    _: K.Type, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
) {
    if let op = K.native, NativeKernels.isEnabled, sa == 0 || sa == 1, sb == 0 || sb == 1 {
        sfk_binary_f32_avx2(op, a, sa, b, sb, out, n)
        return
    }
    floatBinaryRunPortable(K.self, a, sa, b, sb, out, n)
}

/// `floatBinaryRun` in Swift SIMD: the kernel on CPUs without AVX2, and for ops without a C kernel.
@inline(__always)
func floatBinaryRunPortable<K: FloatBinaryKernel>(
    _: K.Type, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
) {
    var i = 0
    if sa == 1 && sb == 1 {
        while i + 16 <= n {
            storeVector(K.simd(loadVector(a + i), loadVector(b + i)), out + i)
            i += 16
        }
    } else if sa == 1 && sb == 0 {
        let bv = Float16x(repeating: b[0])
        while i + 16 <= n {
            storeVector(K.simd(loadVector(a + i), bv), out + i)
            i += 16
        }
    } else if sa == 0 && sb == 1 {
        let av = Float16x(repeating: a[0])
        while i + 16 <= n {
            storeVector(K.simd(av, loadVector(b + i)), out + i)
            i += 16
        }
    }
    while i < n {
        out[i] = K.scalar(a[i * sa], b[i * sb])
        i += 1
    }
}

@inline(__always)
func floatUnaryRun<K: FloatUnaryKernel>(_: K.Type, _ x: UnsafePointer<Float>, _ sx: Int, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    if let op = K.native, NativeKernels.isEnabled, sx == 1 {
        sfk_unary_f32_avx2(op, x, out, n)
        return
    }
    floatUnaryRunPortable(K.self, x, sx, out, n)
}

/// `floatUnaryRun` in Swift SIMD (see `floatBinaryRunPortable`).
@inline(__always)
func floatUnaryRunPortable<K: FloatUnaryKernel>(_: K.Type, _ x: UnsafePointer<Float>, _ sx: Int, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    if sx == 1 {
        while i + 16 <= n {
            storeVector(K.simd(loadVector(x + i)), out + i)
            i += 16
        }
    }
    while i < n {
        out[i] = K.scalar(x[i * sx])
        i += 1
    }
}

// MARK: - Whole-tensor drivers

extension Tensor {
    /// `op(a, b)` in float32 over the broadcast `shape` (operands of other dtypes are converted first).
    static func mapFloat<K: FloatBinaryKernel>(_ kernel: K.Type, _ a: Tensor, _ b: Tensor, shape: [Int]) throws -> Tensor {
        let lhs = try a.to(.float32).broadcast(to: shape), rhs = try b.to(.float32).broadcast(to: shape)
        let out = Tensor.uninitialized(shape, dtype: .float32)
        let runs = StridedRuns(shape: shape, strides: [out.strides, lhs.strides, rhs.strides])
        let o = out.basePointer(as: Float.self)
        let pa = UnsafePointer(lhs.basePointer(as: Float.self)), pb = UnsafePointer(rhs.basePointer(as: Float.self))
        let sa = runs.runStride(1), sb = runs.runStride(2)
        runs.parallelForEach { offsets, n in
            floatBinaryRun(K.self, pa + offsets[1], sa, pb + offsets[2], sb, o + offsets[0], n)
        }
        return out
    }

    /// `op(x)` in float32 (other dtypes converted first).
    static func mapFloat<K: FloatUnaryKernel>(_ kernel: K.Type, _ x: Tensor) -> Tensor {
        let input = x.to(.float32)
        let out = Tensor.uninitialized(x.shape, dtype: .float32)
        let runs = StridedRuns(shape: x.shape, strides: [out.strides, input.strides])
        let o = out.basePointer(as: Float.self), p = UnsafePointer(input.basePointer(as: Float.self))
        let sx = runs.runStride(1)
        runs.parallelForEach { offsets, n in floatUnaryRun(K.self, p + offsets[1], sx, o + offsets[0], n) }
        return out
    }

    /// `f(a, b)` element by element over the broadcast `shape`, for operands already of element type `T`
    /// (the integer, comparison and logical paths, which need no hand-written SIMD).
    static func mapElements<T, O>(
        _ a: Tensor, _ b: Tensor, as _: T.Type, shape: [Int], output: DType, _ f: (T, T) -> O
    ) throws -> Tensor {
        let lhs = try a.broadcast(to: shape), rhs = try b.broadcast(to: shape)
        let out = Tensor.uninitialized(shape, dtype: output)
        let runs = StridedRuns(shape: shape, strides: [out.strides, lhs.strides, rhs.strides])
        let o = out.basePointer(as: O.self)
        let pa = UnsafePointer(lhs.basePointer(as: T.self)), pb = UnsafePointer(rhs.basePointer(as: T.self))
        let sa = runs.runStride(1), sb = runs.runStride(2)
        runs.parallelForEach { offsets, n in
            let x = pa + offsets[1], y = pb + offsets[2], z = o + offsets[0]
            for i in 0..<n { z[i] = f(x[i * sa], y[i * sb]) }
        }
        return out
    }

    /// `f(x)` element by element, `x` already of element type `T`.
    static func mapElements<T, O>(_ x: Tensor, as _: T.Type, output: DType, _ f: (T) -> O) -> Tensor {
        let out = Tensor.uninitialized(x.shape, dtype: output)
        let runs = StridedRuns(shape: x.shape, strides: [out.strides, x.strides])
        let o = out.basePointer(as: O.self), p = UnsafePointer(x.basePointer(as: T.self))
        let sx = runs.runStride(1)
        runs.parallelForEach { offsets, n in
            let source = p + offsets[1], target = o + offsets[0]
            for i in 0..<n { target[i] = f(source[i * sx]) }
        }
        return out
    }
}

// MARK: - Binary float kernels

enum AddKernel: FloatBinaryKernel {
    static var native: sfk_binary_op? { SFK_BINARY_ADD }
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x { a + b }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a + b }
}
enum SubKernel: FloatBinaryKernel {
    static var native: sfk_binary_op? { SFK_BINARY_SUB }
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x { a - b }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a - b }
}
enum MulKernel: FloatBinaryKernel {
    static var native: sfk_binary_op? { SFK_BINARY_MUL }
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x { a * b }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a * b }
}
enum DivKernel: FloatBinaryKernel {
    static var native: sfk_binary_op? { SFK_BINARY_DIV }
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x { a / b }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a / b }
}
/// `torch.maximum`: NaN in either operand gives NaN.
enum MaximumKernel: FloatBinaryKernel {
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x {
        var r = a.replacing(with: b, where: b .> a)
        r.replace(with: a, where: a .!= a)
        r.replace(with: b, where: b .!= b)
        return r
    }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
}
enum MinimumKernel: FloatBinaryKernel {
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x {
        var r = a.replacing(with: b, where: b .< a)
        r.replace(with: a, where: a .!= a)
        r.replace(with: b, where: b .!= b)
        return r
    }
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
}
/// Applies a scalar function lane by lane (for ops with no useful vector form).
protocol LanewiseBinaryKernel: FloatBinaryKernel {}
extension LanewiseBinaryKernel {
    @inline(__always) static func simd(_ a: Float16x, _ b: Float16x) -> Float16x {
        var r = Float16x()
        for lane in 0..<16 { r[lane] = scalar(a[lane], b[lane]) }
        return r
    }
}
enum PowKernel: LanewiseBinaryKernel {
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) }
}
/// `torch.floor_divide` on floats (ATen's `div_floor_floating`): the floor of the exact quotient, computed from
/// fmod so that e.g. 7.5 // 2.5 is 3 and not 2.
enum FloorDivKernel: LanewiseBinaryKernel {
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float {
        if b == 0 { return a / b }
        let mod = fmodf(a, b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        if div == 0 { return Float(signOf: a / b, magnitudeOf: 0) }
        var floored = div.rounded(.down)
        if div - floored > 0.5 { floored += 1 }
        return floored
    }
}
/// `torch.remainder` on floats: Python's modulo, the sign of the divisor.
enum RemainderKernel: LanewiseBinaryKernel {
    @inline(__always) static func scalar(_ a: Float, _ b: Float) -> Float {
        var mod = fmodf(a, b)
        if mod != 0 && (b < 0) != (mod < 0) { mod += b }
        return mod
    }
}

// MARK: - Unary float kernels

protocol LanewiseUnaryKernel: FloatUnaryKernel {}
extension LanewiseUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x {
        var r = Float16x()
        for lane in 0..<16 { r[lane] = scalar(x[lane]) }
        return r
    }
}

enum NegKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { -x }
    @inline(__always) static func scalar(_ x: Float) -> Float { -x }
}
enum AbsKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.magnitude(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { Swift.abs(x) }
}
enum ExpKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_EXP }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.exp(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.exp(x) }
}
enum LogKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.log(x) }
}
enum SqrtKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { x.squareRoot() }
    @inline(__always) static func scalar(_ x: Float) -> Float { x.squareRoot() }
}
enum RsqrtKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { 1 / x.squareRoot() }
    @inline(__always) static func scalar(_ x: Float) -> Float { 1 / x.squareRoot() }
}
enum SinKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.sin(x) }
}
enum CosKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.cos(x) }
}
enum TanhKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_TANH }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.tanh(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.tanh(x) }
}
enum SigmoidKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_SIGMOID }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.sigmoid(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { VectorMath.sigmoidScalar(x) }
}
/// ReLU keeps NaN (as `torch.relu` does): only lanes that compare below zero are replaced.
enum ReluKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { x.replacing(with: 0, where: x .< 0) }
    @inline(__always) static func scalar(_ x: Float) -> Float { x < 0 ? 0 : x }
}
enum GeluKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_GELU_ERF }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.gelu(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { VectorMath.geluScalar(x) }
}
enum GeluTanhKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_GELU_TANH }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { VectorMath.geluTanh(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { VectorMath.geluTanhScalar(x) }
}
enum SiluKernel: FloatUnaryKernel {
    static var native: sfk_unary_op? { SFK_UNARY_SILU }
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { x * VectorMath.sigmoid(x) }
    @inline(__always) static func scalar(_ x: Float) -> Float { x * VectorMath.sigmoidScalar(x) }
}
enum SquareKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { x * x }
    @inline(__always) static func scalar(_ x: Float) -> Float { x * x }
}
enum ReciprocalKernel: FloatUnaryKernel {
    @inline(__always) static func simd(_ x: Float16x) -> Float16x { 1 / x }
    @inline(__always) static func scalar(_ x: Float) -> Float { 1 / x }
}
enum ErfKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.erf(x) }
}
enum Log1pKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.log1p(x) }
}
enum Expm1Kernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { Foundation.expm1(x) }
}
enum FloorKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { x.rounded(.down) }
}
enum CeilKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { x.rounded(.up) }
}
/// `torch.round`: half to even.
enum RoundKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { x.rounded(.toNearestOrEven) }
}
enum TruncKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { x.rounded(.towardZero) }
}
enum SignKernel: LanewiseUnaryKernel {
    @inline(__always) static func scalar(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }  // NaN → 0, as torch.sign
}
