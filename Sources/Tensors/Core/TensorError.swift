/// Everything user input can get wrong in the engine, as values: no kernel traps on bad shapes, dtypes or indices.
/// Messages name the operation and the offending shapes so that a script user can fix the call.
public enum TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shapes that cannot combine, e.g. `matmul: [2, 3] × [4, 5] — inner dimensions 3 and 4 differ`.
    case shapeMismatch(op: String, detail: String)
    /// A dimension index out of range for the tensor's rank.
    case invalidDimension(op: String, dim: Int, rank: Int)
    /// An element or slice index out of range.
    case indexOutOfRange(op: String, index: Int, size: Int)
    /// An operation that does not accept this dtype.
    case unsupportedDType(op: String, dtype: DType)
    /// Any other invalid argument (a negative size, a zero step, mismatching element counts...).
    case invalidArgument(op: String, detail: String)
    /// A file that is not what it claims to be (truncated safetensors, a lying header...).
    case invalidFile(path: String, detail: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let op, let detail): "\(op): \(detail)"
        case .invalidDimension(let op, let dim, let rank):
            "\(op): dimension out of range (expected to be in range of [\(-max(rank, 1)), \(max(rank, 1) - 1)], but got \(dim))"
        case .indexOutOfRange(let op, let index, let size):
            "\(op): index \(index) is out of bounds for dimension with size \(size)"
        case .unsupportedDType(let op, let dtype): "\(op): not supported for dtype \(dtype.torchName)"
        case .invalidArgument(let op, let detail): "\(op): \(detail)"
        case .invalidFile(let path, let detail): "\(path): \(detail)"
        }
    }
}

/// `[2, 3]`, the way error messages print a shape.
func shapeString(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
