extension GGUFFile {
    /// A 2-D weight kept in its stored format (no copy: the blocks borrow the mapping), for `QuantizedMatrix.matmul`.
    /// Throws for tensors that are not matrices.
    public func quantizedMatrix(named name: String) throws -> QuantizedMatrix {
        let info = try info(named: name)
        guard info.shape.count == 2 else {
            throw TensorError.invalidArgument(op: "gguf", detail: "\(name) has shape \(shapeString(info.shape)), not a matrix")
        }
        return try QuantizedMatrix(type: info.type, rows: info.shape[0], columns: info.shape[1], blocks: try rawTensor(named: name))
    }
}
