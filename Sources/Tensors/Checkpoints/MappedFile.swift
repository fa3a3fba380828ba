#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. Checkpoint readers hand out tensors whose storage borrows this
/// mapping (`TensorStorage(borrowing:byteCount:owner:)`), so opening a 500 MB checkpoint touches no weight bytes
/// until a kernel reads them, and the mapping lives exactly as long as some tensor still uses it.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeMutableRawPointer
    public let count: Int
    /// Whether tensors on this mapping may be written: a private (copy-on-write) writable mapping never changes
    /// the file, and pages are only copied when a write touches them.
    public let isWritable: Bool

    public init(path: String, copyOnWrite: Bool = false) throws {
        self.path = path
        self.isWritable = copyOnWrite
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw TensorError.invalidFile(path: path, detail: "cannot open (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw TensorError.invalidFile(path: path, detail: "cannot stat") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw TensorError.invalidFile(path: path, detail: "not a regular file") }
        count = Int(info.st_size)
        if count == 0 {
            bytes = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            return
        }
        // MAP_PRIVATE + PROT_WRITE allows in-place edits (`x[0] = 1` on a loaded weight) without touching the file.
        let protection = copyOnWrite ? PROT_READ | PROT_WRITE : PROT_READ
        guard let mapped = mmap(nil, count, protection, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw TensorError.invalidFile(path: path, detail: "mmap failed (\(String(cString: strerror(errno))))")
        }
        bytes = mapped
    }

    deinit {
        if count == 0 { bytes.deallocate() } else { munmap(bytes, count) }
    }

    /// Bounds-checked view of `length` bytes at `offset`.
    public func slice(_ offset: Int, _ length: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
            throw TensorError.invalidFile(path: path, detail: "range \(offset)..<\(offset + length) lies outside the file (\(count) bytes)")
        }
        return UnsafeRawBufferPointer(start: bytes.advanced(by: offset), count: length)
    }

    /// A tensor whose storage borrows `byteCount` bytes at `offset` of this mapping (no copy). The mapping is
    /// read-only: callers that want to write must copy first (every engine op produces fresh storage).
    public func tensor(offset: Int, byteCount: Int, shape: [Int], strides: [Int]? = nil, dtype: DType) throws -> Tensor {
        _ = try slice(offset, byteCount)
        let storage = TensorStorage(borrowing: bytes.advanced(by: offset), byteCount: byteCount, owner: self)
        return Tensor(storage: storage, shape: shape, strides: strides ?? Tensor.contiguousStrides(for: shape), dtype: dtype)
    }
}
