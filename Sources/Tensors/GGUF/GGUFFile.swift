/// A GGUF file (the single-file checkpoint format of llama.cpp), versions 2 and 3, read from a memory mapping.
///
/// Layout (little-endian): magic `GGUF`, u32 version, u64 tensor count, u64 metadata count; the metadata
/// key/values; one info per tensor (name, u32 rank, u64 dims innermost-first, u32 ggml type, u64 offset relative to
/// the data section); padding to `general.alignment` (default 32); the data section. Opening parses and validates
/// the header only: every tensor's byte range is checked against the file size, but no weight byte is read until a
/// tensor is asked for.
///
/// ```swift
/// let file = try GGUFFile(path: "SmolLM2-135M-Instruct.Q4_1.gguf")
/// file.metadata["general.architecture"]?.string      // "llama"
/// let q = try file.tensor(named: "blk.0.attn_q.weight")  // float32 [576, 576], dequantized
/// let w = try file.quantizedMatrix(named: "blk.0.attn_q.weight")  // kept in Q4_1, for QuantizedMatrix.matmul
/// ```
public final class GGUFFile: Sendable {
    public let path: String
    public let version: Int
    /// Metadata keys in file order (Swift dictionaries are unordered; `metadata` holds the values).
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// Alignment of the data section and of every tensor in it.
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int

    let file: MappedFile
    private let indexByName: [String: Int]

    /// ggml refuses more dimensions than this (`GGML_MAX_DIMS`).
    static let maximumRank = 4
    static let magic: UInt32 = 0x4655_4747  // "GGUF" read as a little-endian u32

    public convenience init(path: String) throws {
        try self.init(mapping: try MappedFile(path: path))
    }

    init(mapping file: MappedFile) throws {
        self.file = file
        path = file.path
        var reader = GGUFByteReader(bytes: UnsafeRawBufferPointer(start: file.bytes, count: file.count), path: file.path)

        // MARK: Header
        let magic = try reader.integer(UInt32.self, "the magic number")
        guard magic == Self.magic else { throw reader.failure("not a GGUF file (magic \(hex(magic)), expected \"GGUF\")") }
        let rawVersion = try reader.integer(UInt32.self, "the version")
        guard rawVersion == 2 || rawVersion == 3 else {
            if rawVersion & 0xFFFF == 0 && rawVersion != 0 {
                throw reader.failure("big-endian GGUF (version \(rawVersion.byteSwapped)) is not supported")
            }
            throw reader.failure("version \(rawVersion) is not supported (only versions 2 and 3)")
        }
        version = Int(rawVersion)
        let tensorCount = try reader.count("the tensor count")
        let metadataCount = try reader.count("the metadata count")
        // A key/value takes at least 8 + 4 + 1 bytes and a tensor info at least 8 + 4 + 4 + 8: bound lying counts.
        guard metadataCount <= reader.remaining / 13, tensorCount <= reader.remaining / 24 else {
            throw reader.failure("header claims \(metadataCount) metadata entries and \(tensorCount) tensors, "
                                 + "more than the \(file.count)-byte file can hold")
        }

        // MARK: Metadata
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        for index in 0..<metadataCount {
            let key = try reader.string("metadata key #\(index)")
            let rawType = try reader.integer(UInt32.self, "the type of \(key)")
            guard let type = GGUFValueType(rawValue: rawType) else { throw reader.failure("\(key): unknown value type \(rawType)") }
            let value = try reader.value(of: type, key: key)
            guard values.updateValue(value, forKey: key) == nil else { throw reader.failure("duplicate metadata key \(key)") }
            keys.append(key)
        }
        metadataKeys = keys
        metadata = values

        var alignment = 32
        if let declared = values["general.alignment"] {
            guard case .uint32(let a) = declared, a > 0, a & (a - 1) == 0 else {
                throw reader.failure("general.alignment must be a power-of-two u32, found \(declared)")
            }
            alignment = Int(a)
        }
        self.alignment = alignment

        // MARK: Tensor infos
        struct RawInfo { let name: String, dims: [Int], type: GGMLType, relativeOffset: Int, byteCount: Int }
        var raws: [RawInfo] = []
        var index: [String: Int] = [:]
        for number in 0..<tensorCount {
            let name = try reader.string("tensor name #\(number)")
            let rank = Int(try reader.integer(UInt32.self, "the rank of \(name)"))
            guard rank <= Self.maximumRank else { throw reader.failure("\(name) has \(rank) dimensions (at most \(Self.maximumRank))") }
            var dims: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let dim = try reader.count("a dimension of \(name)")
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw reader.failure("\(name): element count overflows") }
                elements = product
                dims.append(dim)
            }
            let rawType = try reader.integer(UInt32.self, "the type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else { throw reader.failure("\(name): unknown ggml type \(rawType)") }
            if let inner = dims.first, inner % type.blockSize != 0 {
                throw reader.failure("\(name): row length \(inner) is not a multiple of the \(type) block size \(type.blockSize)")
            }
            guard let byteCount = type.byteCount(for: elements) else { throw reader.failure("\(name): size overflows") }
            let offset = try reader.count("the offset of \(name)")
            guard offset % alignment == 0 else {
                throw reader.failure("\(name): data offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            guard index.updateValue(raws.count, forKey: name) == nil else { throw reader.failure("duplicate tensor name \(name)") }
            raws.append(RawInfo(name: name, dims: dims, type: type, relativeOffset: offset, byteCount: byteCount))
        }

        // MARK: Data section
        let padded = (reader.position + alignment - 1) / alignment * alignment
        dataOffset = padded
        guard tensorCount == 0 || padded <= file.count else {
            throw reader.failure("file ends before its data section (at byte \(padded), file has \(file.count))")
        }
        tensors = try raws.map { raw in
            let (start, overflow) = padded.addingReportingOverflow(raw.relativeOffset)
            guard !overflow, start <= file.count, raw.byteCount <= file.count - start else {
                throw reader.failure("\(raw.name): data \(raw.relativeOffset)..<\(raw.relativeOffset &+ raw.byteCount) of the "
                                     + "data section lies beyond the end of the file (\(file.count) bytes)")
            }
            return GGUFTensorInfo(name: raw.name, shape: raw.dims.reversed(), ggufDims: raw.dims, type: raw.type,
                                  fileOffset: start, byteCount: raw.byteCount)
        }
        indexByName = index
    }

    // MARK: Lookup

    public func info(named name: String) throws -> GGUFTensorInfo {
        guard let i = indexByName[name] else {
            throw TensorError.invalidArgument(op: "gguf", detail: "no tensor named \(name) in \(path)")
        }
        return tensors[i]
    }

    /// The raw bytes of a tensor (its blocks, as stored), borrowed from the mapping: valid while this file lives.
    public func rawBytes(of info: GGUFTensorInfo) throws -> UnsafeRawBufferPointer {
        try file.slice(info.fileOffset, info.byteCount)
    }

    /// The raw blocks as a uint8 tensor of `byteCount` bytes that borrows the mapping (no copy) and keeps it alive.
    public func rawTensor(named name: String) throws -> Tensor {
        let info = try info(named: name)
        return try file.tensor(offset: info.fileOffset, byteCount: info.byteCount, shape: [info.byteCount], dtype: .uint8)
    }

    /// The tensor as float32 in PyTorch's shape. F32 data aligned to 4 bytes is borrowed from the mapping (no copy);
    /// every other type is dequantized into fresh storage exactly as ggml and gguf-py do.
    public func tensor(named name: String) throws -> Tensor {
        let info = try info(named: name)
        if info.type == .f32 && info.fileOffset % 4 == 0 {
            return try file.tensor(offset: info.fileOffset, byteCount: info.byteCount, shape: info.shape, dtype: .float32)
        }
        guard info.type.canDequantize else {
            throw TensorError.invalidArgument(op: "gguf", detail: "\(name): ggml type \(info.type) cannot be dequantized")
        }
        let source = try rawBytes(of: info)
        let result = Tensor.uninitialized(info.shape, dtype: .float32)
        if let base = source.baseAddress {
            try GGMLDequantize.dequantize(info.type, from: base, count: info.count, into: result.basePointer(as: Float.self))
        }
        return result
    }
}

private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: true) }
