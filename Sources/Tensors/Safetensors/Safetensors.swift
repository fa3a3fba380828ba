import Foundation

// MARK: - safetensors writing, loading helpers, sharded checkpoints

public enum Safetensors {
    /// The dtype string a tensor is written with.
    static func storedName(_ dtype: DType) -> String {
        switch dtype {
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int64: "I64"
        case .int32: "I32"
        case .uint8: "U8"
        case .bool: "BOOL"
        }
    }

    /// `safetensors.torch.load_file(path)`: every tensor of one file (borrowing the mapping).
    public static func load(_ path: String) throws -> [String: Tensor] { try SafetensorsFile(path: path).tensors() }

    /// JSON string literal for a key or metadata value.
    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// `safetensors.torch.save_file(tensors, path, metadata)`: tensors in name order, header padded with spaces to
    /// an 8-byte boundary so every tensor's data stays aligned for zero-copy reading.
    public static func save(_ tensors: [String: Tensor], to path: String, metadata: [String: String]? = nil) throws {
        let names = tensors.keys.sorted()
        var entries: [String] = []
        var offset = 0
        var dense: [Tensor] = []
        for name in names {
            guard name != "__metadata__" else {
                throw TensorError.invalidArgument(op: "safetensors", detail: "'__metadata__' is reserved and cannot name a tensor")
            }
            let tensor = tensors[name]!.contiguous()  // key from the dictionary itself
            let bytes = tensor.count * tensor.dtype.itemSize
            let shape = "[" + tensor.shape.map(String.init).joined(separator: ",") + "]"
            entries.append("\(quoted(name)):{\"dtype\":\"\(storedName(tensor.dtype))\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
            dense.append(tensor)
        }
        if let metadata, !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{" + fields.joined(separator: ",") + "}", at: 0)
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while (header.count + 8) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in dense {
            data.append(UnsafeBufferPointer(start: tensor.basePointer(as: UInt8.self), count: tensor.count * tensor.dtype.itemSize))
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TensorError.invalidFile(path: path, detail: "cannot write (\(error.localizedDescription))")
        }
    }
}

/// A checkpoint split over several files by a `model.safetensors.index.json` (`{"metadata": …, "weight_map":
/// {name: shard file}}`). Shards are opened (mapped) once each, on first use.
public final class ShardedSafetensors: @unchecked Sendable {
    public let indexPath: String
    public let metadata: [String: Any]
    /// Tensor name → shard file name.
    public let weightMap: [String: String]
    private let directory: URL
    private var shards: [String: SafetensorsFile] = [:]
    private let lock = NSLock()

    public init(indexPath: String) throws {
        self.indexPath = indexPath
        directory = URL(fileURLWithPath: indexPath).deletingLastPathComponent()
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: indexPath)) } catch {
            throw TensorError.invalidFile(path: indexPath, detail: "cannot read (\(error.localizedDescription))")
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TensorError.invalidFile(path: indexPath, detail: "safetensors index is not a JSON object")
        }
        guard let map = json["weight_map"] as? [String: String] else {
            throw TensorError.invalidFile(path: indexPath, detail: "safetensors index has no weight_map of name → file")
        }
        for file in Set(map.values) where file.contains("/") || file.hasPrefix(".") {
            throw TensorError.invalidFile(path: indexPath, detail: "shard name '\(file)' must be a plain file name in the index's folder")
        }
        weightMap = map
        metadata = json["metadata"] as? [String: Any] ?? [:]
    }

    public var names: [String] { weightMap.keys.sorted() }

    /// The shard holding `file`, opened on first use.
    public func shard(_ file: String) throws -> SafetensorsFile {
        lock.lock()
        defer { lock.unlock() }
        if let open = shards[file] { return open }
        let opened = try SafetensorsFile(path: directory.appendingPathComponent(file).path)
        shards[file] = opened
        return opened
    }

    public func tensor(_ name: String) throws -> Tensor {
        guard let file = weightMap[name] else {
            throw TensorError.invalidArgument(op: "safetensors", detail: "no tensor named '\(name)' in \(indexPath)")
        }
        let shard = try shard(file)
        guard shard.entry(name) != nil else {
            throw TensorError.invalidFile(path: shard.path, detail: "safetensors: index says '\(name)' is in this shard, but it is not")
        }
        return try shard.tensor(name)
    }

    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in names { result[name] = try tensor(name) }
        return result
    }
}
