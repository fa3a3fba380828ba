import Foundation

// MARK: - Binary arithmetic with PyTorch broadcasting and type promotion
//
// API choice: every op is a throwing method (`a.add(b)`, `a.mul(2)`) because shapes and dtypes come from user
// input. The arithmetic operators exist too and are *throwing* operators (`try a + b`, `try x * 0.5`, `try 1 - x`):
// Swift allows `throws` on operators, and a `try` at the call site is the honest price of a shape check.
// Float operands compute in float32 (float16/bfloat16 are widened and the result rounded back, like PyTorch's
// CPU kernels); integer and bool operands compute in Int64 and wrap on store like PyTorch's fixed-width integers.

extension Tensor {
    enum ArithmeticOp: String {
        case add, sub, mul, div, floorDivide = "floor_divide", remainder, pow, maximum, minimum
    }

    enum ComparisonOp: String { case eq, ne, lt, le, gt, ge }

    enum LogicalOp: String {
        case and = "logical_and", or = "logical_or", xor = "logical_xor"
    }

    // MARK: Dispatch

    static func arithmetic(_ op: ArithmeticOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try arithmetic(op, a, b, result: DType.promote(a.dtype, b.dtype))
    }

    static func arithmetic(_ op: ArithmeticOp, _ a: Tensor, _ scalar: Scalar, scalarFirst: Bool = false) throws -> Tensor {
        let result = scalar.promoted(with: a.dtype)
        if op == .pow && !scalarFirst && !result.isFloatingPoint && scalar.intValue < 0 {
            throw TensorError.invalidArgument(op: "pow", detail: "Integers to negative integer powers are not allowed.")
        }
        let operand = Tensor.filled(scalar, dtype: result.isFloatingPoint ? .float32 : .int64)
        return scalarFirst ? try arithmetic(op, operand, a, result: result) : try arithmetic(op, a, operand, result: result)
    }

    /// `op(a, b)` producing `result` (the promoted dtype; true division of integers gives float32).
    static func arithmetic(_ op: ArithmeticOp, _ a: Tensor, _ b: Tensor, result promoted: DType) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, op: op.rawValue)
        var result = promoted
        if op == .div && !result.isFloatingPoint { result = .float32 }
        if result == .bool && (op == .sub || op == .floorDivide || op == .remainder || op == .pow) {
            throw TensorError.unsupportedDType(op: op.rawValue, dtype: .bool)
        }
        if result.isFloatingPoint {
            let out: Tensor
            switch op {
            case .add: out = try mapFloat(AddKernel.self, a, b, shape: shape)
            case .sub: out = try mapFloat(SubKernel.self, a, b, shape: shape)
            case .mul: out = try mapFloat(MulKernel.self, a, b, shape: shape)
            case .div: out = try mapFloat(DivKernel.self, a, b, shape: shape)
            case .floorDivide: out = try mapFloat(FloorDivKernel.self, a, b, shape: shape)
            case .remainder: out = try mapFloat(RemainderKernel.self, a, b, shape: shape)
            case .maximum: out = try mapFloat(MaximumKernel.self, a, b, shape: shape)
            case .minimum: out = try mapFloat(MinimumKernel.self, a, b, shape: shape)
            case .pow: out = try powFloat(a, b, shape: shape)
            }
            return out.to(result)
        }
        let lhs = a.to(.int64), rhs = b.to(.int64)
        if op == .floorDivide || op == .remainder, rhs.int64s().contains(0) {
            throw TensorError.invalidArgument(op: op.rawValue, detail: "ZeroDivisionError (integer division by zero)")
        }
        let out: Tensor
        switch op {
        case .add: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64) { $0 &+ $1 }
        case .sub: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64) { $0 &- $1 }
        case .mul: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64) { $0 &* $1 }
        case .maximum: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64) { Swift.max($0, $1) }
        case .minimum: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64) { Swift.min($0, $1) }
        case .floorDivide: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64, floorDivide)
        case .remainder: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64, remainder)
        case .pow: out = try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .int64, power)
        case .div: out = lhs  // unreachable: true division always produces a float dtype
        }
        return out.to(result)
    }

    /// `pow` with the exponents PyTorch special-cases when the exponent is a scalar (x², √x, 1/x…) computed exactly
    /// as those ops, everything else through `powf`.
    private static func powFloat(_ a: Tensor, _ b: Tensor, shape: [Int]) throws -> Tensor {
        if b.count == 1 && b.rank == 0 {
            let e = try b.item()
            switch e {
            case 1: return try a.to(.float32).broadcast(to: shape).contiguous()
            case 2: return mapFloat(SquareKernel.self, a)
            case 0.5: return mapFloat(SqrtKernel.self, a)
            case -0.5: return mapFloat(RsqrtKernel.self, a)
            case -1: return mapFloat(ReciprocalKernel.self, a)
            default: break
            }
        }
        return try mapFloat(PowKernel.self, a, b, shape: shape)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let (q, overflow) = a.dividedReportingOverflow(by: b)
        if overflow { return q }
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return (r != 0 && (r < 0) != (b < 0)) ? q - 1 : q
    }

    private static func remainder(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return (r != 0 && (r < 0) != (b < 0)) ? r &+ b : r
    }

    /// Integer power; a negative exponent gives 1/base truncated (so 0 unless base is ±1), as PyTorch does for
    /// tensor exponents.
    private static func power(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 {
            if base == 1 { return 1 }
            if base == -1 { return exponent & 1 == 0 ? 1 : -1 }
            return 0
        }
        var result: Int64 = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }

    // MARK: Public methods

    public func add(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.add, self, other) }
    public func add(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.add, self, other) }
    public func sub(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.sub, self, other) }
    public func sub(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.sub, self, other) }
    public func mul(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.mul, self, other) }
    public func mul(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.mul, self, other) }
    /// True division (`/`): integer operands give float32.
    public func div(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.div, self, other) }
    public func div(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.div, self, other) }
    /// `//`: rounds the quotient toward negative infinity. Integer division by zero throws.
    public func floorDivide(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.floorDivide, self, other) }
    public func floorDivide(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.floorDivide, self, other) }
    /// `%` (`torch.remainder`): the result has the divisor's sign, as in Python.
    public func remainder(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.remainder, self, other) }
    public func remainder(_ other: Scalar) throws -> Tensor { try Tensor.arithmetic(.remainder, self, other) }
    public func pow(_ exponent: Tensor) throws -> Tensor { try Tensor.arithmetic(.pow, self, exponent) }
    public func pow(_ exponent: Scalar) throws -> Tensor { try Tensor.arithmetic(.pow, self, exponent) }
    /// `torch.maximum` / `torch.minimum`: elementwise, NaN-propagating.
    public func maximum(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.maximum, self, other) }
    public func minimum(_ other: Tensor) throws -> Tensor { try Tensor.arithmetic(.minimum, self, other) }

    // MARK: Operators

    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.add(rhs) }
    public static func + (lhs: Tensor, rhs: Scalar) throws -> Tensor { try lhs.add(rhs) }
    public static func + (lhs: Scalar, rhs: Tensor) throws -> Tensor { try arithmetic(.add, rhs, lhs, scalarFirst: true) }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.sub(rhs) }
    public static func - (lhs: Tensor, rhs: Scalar) throws -> Tensor { try lhs.sub(rhs) }
    public static func - (lhs: Scalar, rhs: Tensor) throws -> Tensor { try arithmetic(.sub, rhs, lhs, scalarFirst: true) }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.mul(rhs) }
    public static func * (lhs: Tensor, rhs: Scalar) throws -> Tensor { try lhs.mul(rhs) }
    public static func * (lhs: Scalar, rhs: Tensor) throws -> Tensor { try arithmetic(.mul, rhs, lhs, scalarFirst: true) }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.div(rhs) }
    public static func / (lhs: Tensor, rhs: Scalar) throws -> Tensor { try lhs.div(rhs) }
    public static func / (lhs: Scalar, rhs: Tensor) throws -> Tensor { try arithmetic(.div, rhs, lhs, scalarFirst: true) }
    public static func % (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.remainder(rhs) }
    public static func % (lhs: Tensor, rhs: Scalar) throws -> Tensor { try lhs.remainder(rhs) }
    public static prefix func - (operand: Tensor) throws -> Tensor { try operand.neg() }

    // MARK: Comparisons (→ bool)

    static func compare(_ op: ComparisonOp, _ a: Tensor, _ b: Tensor, common: DType) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, op: op.rawValue)
        if common.isFloatingPoint {
            let lhs = a.to(.float32), rhs = b.to(.float32)
            switch op {
            case .eq: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 == $1 }
            case .ne: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 != $1 }
            case .lt: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 < $1 }
            case .le: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 <= $1 }
            case .gt: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 > $1 }
            case .ge: return try mapElements(lhs, rhs, as: Float.self, shape: shape, output: .bool) { $0 >= $1 }
            }
        }
        let lhs = a.to(.int64), rhs = b.to(.int64)
        switch op {
        case .eq: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 == $1 }
        case .ne: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 != $1 }
        case .lt: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 < $1 }
        case .le: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 <= $1 }
        case .gt: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 > $1 }
        case .ge: return try mapElements(lhs, rhs, as: Int64.self, shape: shape, output: .bool) { $0 >= $1 }
        }
    }

    private func compare(_ op: ComparisonOp, _ other: Tensor) throws -> Tensor {
        try Tensor.compare(op, self, other, common: DType.promote(dtype, other.dtype))
    }

    private func compare(_ op: ComparisonOp, _ other: Scalar) throws -> Tensor {
        let common = other.promoted(with: dtype)
        return try Tensor.compare(op, self, Tensor.filled(other, dtype: common.isFloatingPoint ? .float32 : .int64), common: common)
    }

    public func eq(_ other: Tensor) throws -> Tensor { try compare(.eq, other) }
    public func eq(_ other: Scalar) throws -> Tensor { try compare(.eq, other) }
    public func ne(_ other: Tensor) throws -> Tensor { try compare(.ne, other) }
    public func ne(_ other: Scalar) throws -> Tensor { try compare(.ne, other) }
    public func lt(_ other: Tensor) throws -> Tensor { try compare(.lt, other) }
    public func lt(_ other: Scalar) throws -> Tensor { try compare(.lt, other) }
    public func le(_ other: Tensor) throws -> Tensor { try compare(.le, other) }
    public func le(_ other: Scalar) throws -> Tensor { try compare(.le, other) }
    public func gt(_ other: Tensor) throws -> Tensor { try compare(.gt, other) }
    public func gt(_ other: Scalar) throws -> Tensor { try compare(.gt, other) }
    public func ge(_ other: Tensor) throws -> Tensor { try compare(.ge, other) }
    public func ge(_ other: Scalar) throws -> Tensor { try compare(.ge, other) }

    // MARK: Logical ops (nonzero is true; → bool)

    static func logical(_ op: LogicalOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, op: op.rawValue)
        let lhs = a.to(.bool), rhs = b.to(.bool)
        switch op {
        case .and: return try mapElements(lhs, rhs, as: Bool.self, shape: shape, output: .bool) { $0 && $1 }
        case .or: return try mapElements(lhs, rhs, as: Bool.self, shape: shape, output: .bool) { $0 || $1 }
        case .xor: return try mapElements(lhs, rhs, as: Bool.self, shape: shape, output: .bool) { $0 != $1 }
        }
    }

    public func logicalAnd(_ other: Tensor) throws -> Tensor { try Tensor.logical(.and, self, other) }
    public func logicalOr(_ other: Tensor) throws -> Tensor { try Tensor.logical(.or, self, other) }
    public func logicalXor(_ other: Tensor) throws -> Tensor { try Tensor.logical(.xor, self, other) }
    public func logicalNot() -> Tensor { Tensor.mapElements(to(.bool), as: Bool.self, output: .bool) { !$0 } }

    // MARK: where / masked_fill / clamp

    /// `torch.where(condition, a, b)`: broadcasts all three; the result has the promoted dtype of `a` and `b`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try select(condition, a, b, result: DType.promote(a.dtype, b.dtype), op: "where")
    }

    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Scalar) throws -> Tensor {
        let result = b.promoted(with: a.dtype)
        return try select(condition, a, filled(b, dtype: result), result: result, op: "where")
    }

    public static func `where`(_ condition: Tensor, _ a: Scalar, _ b: Tensor) throws -> Tensor {
        let result = a.promoted(with: b.dtype)
        return try select(condition, filled(a, dtype: result), b, result: result, op: "where")
    }

    /// `tensor.masked_fill(mask, value)`: `mask` (bool) broadcasts with this tensor (out of place, the result may be
    /// larger, as in PyTorch); dtype is kept.
    public func maskedFill(_ mask: Tensor, _ value: Scalar) throws -> Tensor {
        try maskedFill(mask, Tensor.filled(value, dtype: dtype))
    }

    /// `masked_fill` with a zero-dimensional value tensor.
    public func maskedFill(_ mask: Tensor, _ value: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError.invalidArgument(
                op: "masked_fill", detail: "only supports boolean masks, but got mask with dtype \(mask.dtype.torchName)")
        }
        guard value.rank == 0 else {
            throw TensorError.invalidArgument(
                op: "masked_fill", detail: "only supports a 0-dimensional value tensor, but got tensor with \(value.rank) dimension(s)")
        }
        return try Tensor.select(mask, value, self, result: dtype, op: "masked_fill")
    }

    /// Picks `a` where `condition` is true, else `b`, copying raw elements of `result`'s size.
    static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor, result: DType, op: String) throws -> Tensor {
        let shape = try broadcastShape(broadcastShape(condition.shape, a.shape, op: op), b.shape, op: op)
        let c = try condition.to(.bool).broadcast(to: shape)
        let x = try a.to(result).broadcast(to: shape), y = try b.to(result).broadcast(to: shape)
        let out = Tensor.uninitialized(shape, dtype: result)
        switch result.itemSize {
        case 1: pick(UInt8.self, c, x, y, out)
        case 2: pick(UInt16.self, c, x, y, out)
        case 4: pick(UInt32.self, c, x, y, out)
        default: pick(UInt64.self, c, x, y, out)
        }
        return out
    }

    private static func pick<T>(_: T.Type, _ c: Tensor, _ x: Tensor, _ y: Tensor, _ out: Tensor) {
        let runs = StridedRuns(shape: out.shape, strides: [out.strides, c.strides, x.strides, y.strides])
        let o = out.basePointer(as: T.self), pc = UnsafePointer(c.basePointer(as: Bool.self))
        let px = UnsafePointer(x.basePointer(as: T.self)), py = UnsafePointer(y.basePointer(as: T.self))
        let sc = runs.runStride(1), sx = runs.runStride(2), sy = runs.runStride(3)
        runs.parallelForEach { offsets, n in
            let cc = pc + offsets[1], xx = px + offsets[2], yy = py + offsets[3], oo = o + offsets[0]
            for i in 0..<n { oo[i] = cc[i * sc] ? xx[i * sx] : yy[i * sy] }
        }
    }

    /// `torch.clamp(min, max)`: NaN stays NaN; when `min > max` every element becomes `max`, as in PyTorch.
    public func clamp(min lower: Scalar? = nil, max upper: Scalar? = nil) throws -> Tensor {
        guard lower != nil || upper != nil else {
            throw TensorError.invalidArgument(op: "clamp", detail: "At least one of 'min' or 'max' must not be None")
        }
        var result = self
        if let lower { result = try Tensor.arithmetic(.maximum, result, lower) }
        if let upper { result = try Tensor.arithmetic(.minimum, result, upper) }
        return result
    }

    /// `torch.clamp` with tensor bounds (broadcast).
    public func clamp(min lower: Tensor?, max upper: Tensor?) throws -> Tensor {
        guard lower != nil || upper != nil else {
            throw TensorError.invalidArgument(op: "clamp", detail: "At least one of 'min' or 'max' must not be None")
        }
        var result = self
        if let lower { result = try Tensor.arithmetic(.maximum, result, lower) }
        if let upper { result = try Tensor.arithmetic(.minimum, result, upper) }
        return result
    }
}
