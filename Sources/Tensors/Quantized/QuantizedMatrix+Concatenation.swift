/// Fusing projections that read the same input (q/k/v, gate/up): one matrix whose rows are the parts' rows in
/// order, so a decode step quantizes its activation once and makes one threaded call instead of three.
extension QuantizedMatrix {
    /// The rows of `parts` stacked (`[Σ rows, columns]`), copied into one buffer. All parts must share the type
    /// and the input features.
    public static func concatenatingRows(_ parts: [QuantizedMatrix]) throws -> QuantizedMatrix {
        guard let first = parts.first else {
            throw TensorError.invalidArgument(op: "QuantizedMatrix.concatenatingRows", detail: "no matrices given")
        }
        for part in parts where part.type != first.type || part.columns != first.columns {
            throw TensorError.shapeMismatch(
                op: "QuantizedMatrix.concatenatingRows",
                detail: "[\(part.rows), \(part.columns)] \(part.type) cannot be stacked under [\(first.rows), \(first.columns)] \(first.type)")
        }
        let rows = parts.reduce(0) { $0 + $1.rows }
        let total = rows * first.rowBytes
        let blocks = Tensor.uninitialized([total], dtype: .uint8)
        var destination = blocks.basePointer(as: UInt8.self)
        for part in parts {
            let bytes = part.rows * part.rowBytes
            let source = UnsafeRawPointer(part.blocks.storage.bytes + part.blocks.offset * part.blocks.dtype.itemSize)
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: bytes)
            destination += bytes
        }
        return try QuantizedMatrix(type: first.type, rows: rows, columns: first.columns, blocks: blocks)
    }
}
