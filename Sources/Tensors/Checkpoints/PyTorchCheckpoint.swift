/// Reads the tensors of a `pytorch_model.bin` written by `torch.save` (the zip format of PyTorch ≥ 1.6) without
/// running arbitrary pickle code: the unpickler below knows the handful of opcodes `torch.save` emits and accepts
/// only the globals a plain state dict needs (OrderedDict, `_rebuild_tensor_v2`, `_rebuild_parameter`, the typed
/// storage classes). Anything else — custom classes, `eval`-style reduces — is refused with a clear error, which is
/// the "safe reader for plain tensors only" the loaders need when a checkpoint has no safetensors file.
///
/// Tensors borrow the mapped file (no copy); their dtype is the storage's (float16 stays float16).
public enum PyTorchCheckpoint {
    /// Tensor names in file order, with their tensors.
    public static func load(path: String) throws -> [(name: String, tensor: Tensor)] {
        let file = try MappedFile(path: path)
        if file.count >= 2, file.bytes.load(as: UInt8.self) == 0x80 {
            throw TensorError.invalidFile(path: path, detail: "legacy (pre-1.6, non-zip) torch.save format is not supported; re-save it with a current PyTorch or convert to safetensors")
        }
        let archive = try ZipArchive(file: file)
        guard let pickleEntry = archive.entries.values.first(where: { $0.name.hasSuffix("data.pkl") }) else {
            throw TensorError.invalidFile(path: path, detail: "no data.pkl in the archive: not a torch.save checkpoint")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        var unpickler = Unpickler(bytes: try file.slice(pickleEntry.dataOffset, pickleEntry.size), path: path) { key, dtype, numel in
            guard let entry = archive.entries[prefix + "data/" + key] else {
                throw TensorError.invalidFile(path: path, detail: "storage \(key) is missing from the archive")
            }
            guard entry.method == 0 else {
                throw TensorError.invalidFile(path: path, detail: "storage \(key) is compressed; torch.save never does that")
            }
            guard entry.size >= numel * dtype.itemSize else {
                throw TensorError.invalidFile(path: path, detail: "storage \(key) holds \(entry.size) bytes, \(numel * dtype.itemSize) expected")
            }
            return (TensorStorage(borrowing: file.bytes.advanced(by: entry.dataOffset), byteCount: entry.size, owner: file), entry.size)
        }
        let root = try unpickler.run()
        var result: [(String, Tensor)] = []
        try collectTensors(root, prefix: "", into: &result, path: path)
        return result
    }

    /// A state dict may be nested (`{"state_dict": {...}}` or `{"model": {...}}`): names are joined with dots.
    private static func collectTensors(_ value: PickleValue, prefix: String, into result: inout [(String, Tensor)], path: String) throws {
        switch value {
        case .dict(let box):
            for (key, item) in box.items {
                guard case .string(let name) = key else { continue }
                try collectTensors(item, prefix: prefix.isEmpty ? name : prefix + "." + name, into: &result, path: path)
            }
        case .tensor(let tensor):
            result.append((prefix, tensor))
        default:
            if prefix.isEmpty {
                throw TensorError.invalidFile(path: path, detail: "the pickle holds no state dict of tensors")
            }
        }
    }
}

// MARK: - The restricted unpickler

final class PickleList { var items: [PickleValue] = [] }
final class PickleDict { var items: [(PickleValue, PickleValue)] = [] }

indirect enum PickleValue {
    case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8])
    case tuple([PickleValue]), list(PickleList), dict(PickleDict)
    case global(String)  // "module.name"
    case storage(TensorStorage, DType, Int)  // storage, dtype, byte count
    case tensor(Tensor)
    case mark
}

struct Unpickler {
    typealias StorageResolver = (_ key: String, _ dtype: DType, _ numel: Int) throws -> (TensorStorage, Int)

    let bytes: UnsafeRawBufferPointer
    let path: String
    let resolveStorage: StorageResolver
    var position = 0
    var stack: [PickleValue] = []
    var memo: [Int: PickleValue] = [:]

    init(bytes: UnsafeRawBufferPointer, path: String, resolveStorage: @escaping StorageResolver) {
        self.bytes = bytes
        self.path = path
        self.resolveStorage = resolveStorage
    }

    private func fail(_ detail: String) -> TensorError { .invalidFile(path: path, detail: "pickle: \(detail)") }

    private static let storageTypes: [String: DType] = [
        "torch.FloatStorage": .float32, "torch.HalfStorage": .float16, "torch.BFloat16Storage": .bfloat16,
        "torch.LongStorage": .int64, "torch.IntStorage": .int32, "torch.ByteStorage": .uint8, "torch.BoolStorage": .bool,
    ]
    private static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_tensor", "builtins.dict",
    ]

    private mutating func read(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, position + n <= bytes.count else { throw fail("truncated at byte \(position)") }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }
    private mutating func byte() throws -> UInt8 { try read(1)[0] }
    private mutating func uint(_ n: Int) throws -> Int {
        let raw = try read(n)
        var value = 0
        for i in stride(from: n - 1, through: 0, by: -1) { value = value << 8 | Int(raw[i]) }
        return value
    }
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated line") }
        defer { position = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }
    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw fail("stack underflow") }
        return value
    }
    private mutating func popToMark() throws -> [PickleValue] {
        guard let markIndex = stack.lastIndex(where: { if case .mark = $0 { true } else { false } }) else {
            throw fail("missing MARK")
        }
        let items = Array(stack[(markIndex + 1)...])
        stack.removeSubrange(markIndex...)
        return items
    }
    private func global(_ module: String, _ name: String) throws -> PickleValue {
        let qualified = module + "." + name
        guard Self.allowedGlobals.contains(qualified) || Self.storageTypes[qualified] != nil else {
            throw fail("refusing to load global \(qualified): only plain tensor state dicts can be read safely")
        }
        return .global(qualified)
    }

    mutating func run() throws -> PickleValue {
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try read(8)  // FRAME
            case 0x2E: return try pop()  // STOP
            case 0x28: stack.append(.mark)
            case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4B: stack.append(.int(Int(try byte())))  // BININT1
            case 0x4D: stack.append(.int(try uint(2)))  // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8A:  // LONG1: little-endian two's complement of n bytes
                let n = Int(try byte())
                guard n <= 8 else { throw fail("integer too large") }
                let raw = try read(n)
                var value: Int64 = 0
                for i in stride(from: n - 1, through: 0, by: -1) { value = value << 8 | Int64(raw[i]) }
                if n > 0 && n < 8 && raw[n - 1] & 0x80 != 0 { value -= Int64(1) << (8 * n) }
                stack.append(.int(Int(value)))
            case 0x47:  // BINFLOAT, big-endian
                let raw = try read(8)
                var bits: UInt64 = 0
                for b in raw { bits = bits << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: bits)))
            case 0x58, 0x8C, 0x8D:  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
                let length = try uint(opcode == 0x8C ? 1 : (opcode == 0x58 ? 4 : 8))
                stack.append(.string(String(decoding: try read(length), as: UTF8.self)))
            case 0x55, 0x54, 0x43, 0x42:  // SHORT_BINSTRING, BINSTRING, SHORT_BINBYTES, BINBYTES
                let length = try uint(opcode == 0x55 || opcode == 0x43 ? 1 : 4)
                stack.append(.bytes(Array(try read(length))))
            case 0x63: stack.append(try global(try line(), try line()))  // GLOBAL
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw fail("bad STACK_GLOBAL") }
                stack.append(try global(module, name))
            case 0x71: memo[Int(try byte())] = stack.last  // BINPUT
            case 0x72: memo[try uint(4)] = stack.last  // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = opcode == 0x68 ? Int(try byte()) : try uint(4)
                guard let value = memo[key] else { throw fail("memo key \(key) missing") }
                stack.append(value)
            case 0x74: stack.append(.tuple(try popToMark()))  // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))
            case 0x6C:  // LIST
                let list = PickleList(); list.items = try popToMark(); stack.append(.list(list))
            case 0x64:  // DICT
                let items = try popToMark(), dict = PickleDict()
                for i in stride(from: 0, to: items.count - 1, by: 2) { dict.items.append((items[i], items[i + 1])) }
                stack.append(.dict(dict))
            case 0x61:  // APPEND
                let value = try pop()
                guard case .list(let list) = stack.last else { throw fail("APPEND to a non-list") }
                list.items.append(value)
            case 0x65:  // APPENDS
                let values = try popToMark()
                guard case .list(let list) = stack.last else { throw fail("APPENDS to a non-list") }
                list.items.append(contentsOf: values)
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                guard case .dict(let dict) = stack.last else { throw fail("SETITEM on a non-dict") }
                dict.items.append((key, value))
            case 0x75:  // SETITEMS
                let items = try popToMark()
                guard case .dict(let dict) = stack.last else { throw fail("SETITEMS on a non-dict") }
                for i in stride(from: 0, to: items.count - 1, by: 2) { dict.items.append((items[i], items[i + 1])) }
            case 0x62: _ = try pop()  // BUILD: state of an OrderedDict or a Parameter; plain tensors need none
            case 0x51:  // BINPERSID
                stack.append(try persistentLoad(try pop()))
            case 0x52, 0x81:  // REDUCE, NEWOBJ
                let arguments = try pop(), callable = try pop()
                stack.append(try reduce(callable, arguments))
            default:
                throw fail(String(format: "unsupported opcode 0x%02x at byte %d", Int(opcode), position - 1))
            }
        }
    }

    /// `('storage', torch.FloatStorage, '0', 'cpu', numel)` → the bytes of `data/0`.
    private func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let parts) = id, parts.count >= 5, case .string("storage") = parts[0],
              case .global(let type) = parts[1], case .string(let key) = parts[2], case .int(let numel) = parts[4]
        else { throw fail("unexpected persistent id") }
        guard let dtype = Self.storageTypes[type] else { throw fail("unsupported storage type \(type)") }
        let (storage, byteCount) = try resolveStorage(key, dtype, numel)
        return .storage(storage, dtype, byteCount)
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let name) = callable, case .tuple(let args) = arguments else { throw fail("unexpected REDUCE") }
        switch name {
        case "collections.OrderedDict", "builtins.dict":
            return .dict(PickleDict())
        case "torch._utils._rebuild_parameter":
            guard let first = args.first, case .tensor = first else { throw fail("bad _rebuild_parameter") }
            return first
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            guard args.count >= 4, case .storage(let storage, let dtype, let byteCount) = args[0], case .int(let offset) = args[1],
                  case .tuple(let sizeValues) = args[2], case .tuple(let strideValues) = args[3] else {
                throw fail("bad _rebuild_tensor_v2 arguments")
            }
            let shape = try sizeValues.map { value -> Int in
                guard case .int(let n) = value, n >= 0 else { throw fail("bad tensor size") }
                return n
            }
            let strides = try strideValues.map { value -> Int in
                guard case .int(let n) = value, n >= 0 else { throw fail("bad tensor stride") }
                return n
            }
            guard shape.count == strides.count else { throw fail("size and stride ranks differ") }
            // The furthest element the layout reaches must lie inside the storage.
            let lastElement = offset + zip(shape, strides).reduce(0) { $0 + ($1.0 > 0 ? ($1.0 - 1) * $1.1 : 0) }
            let elements = byteCount / dtype.itemSize
            guard shape.contains(0) || (offset >= 0 && lastElement < elements) else {
                throw fail("tensor layout reaches element \(lastElement) of a storage of \(elements)")
            }
            return .tensor(Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype))
        default:
            throw fail("refusing to call \(name)")
        }
    }
}
