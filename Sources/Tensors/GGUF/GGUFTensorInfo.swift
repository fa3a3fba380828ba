/// Where one tensor of a GGUF file lives and how it is encoded.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// PyTorch's order (outermost first): a `[out, in]` weight matrix is `[576, 1536]` here while the file lists
    /// its dims innermost-first as `[1536, 576]` (`ggufDims`).
    public let shape: [Int]
    /// The dims exactly as stored (`ne[0]` is the innermost, contiguous dimension).
    public let ggufDims: [Int]
    public let type: GGMLType
    /// Absolute byte offset of the tensor's data in the file.
    public let fileOffset: Int
    /// Bytes of data (whole blocks).
    public let byteCount: Int

    /// Number of values.
    public var count: Int { shape.reduce(1, *) }
}
