import CKernels
import Foundation

/// The bytes behind one or more tensors. A reference type so that views (`reshape`, `permute`, slicing) share
/// memory without copying; `Tensor` is the value type on top that carries shape, strides and offset.
///
/// Storage either owns an aligned heap allocation or borrows memory owned by someone else (an mmap'ed
/// safetensors file, kept alive through `owner`), which is how checkpoints load without copying.
public final class TensorStorage: @unchecked Sendable {
    /// 64-byte alignment: a cache line, and what AVX-512 loads like best.
    static let alignment = 64

    /// Owned memory comes from `sfk_allocate` (64-byte aligned; from 4 MiB on, on huge pages where the
    /// OS offers them — a fresh 64 MB output otherwise spends most of an elementwise op in page faults).
    /// Out of memory falls back to the standard allocator, which traps as before.
    private static func allocate(_ byteCount: Int) -> (UnsafeMutableRawPointer, fromC: Bool) {
        if let pointer = sfk_allocate(max(byteCount, 1)) { return (pointer, true) }
        return (UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: alignment), false)
    }

    public let bytes: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Keeps borrowed memory alive (e.g. the mapped file); nil when this storage owns `bytes`.
    let owner: AnyObject?
    /// Whether owned `bytes` came from `sfk_allocate` (else from `UnsafeMutableRawPointer.allocate`).
    private let allocatedInC: Bool

    /// A zero-filled allocation of `byteCount` bytes.
    public init(byteCount: Int) {
        self.byteCount = byteCount
        (self.bytes, self.allocatedInC) = Self.allocate(byteCount)
        self.bytes.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
        self.owner = nil
    }

    /// An allocation whose contents the caller will overwrite entirely; skips the zero fill.
    init(uninitializedByteCount byteCount: Int) {
        self.byteCount = byteCount
        (self.bytes, self.allocatedInC) = Self.allocate(byteCount)
        self.owner = nil
    }

    /// Memory owned by `owner` (which must keep it valid for as long as it lives).
    public init(borrowing bytes: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.bytes = bytes
        self.byteCount = byteCount
        self.owner = owner
        self.allocatedInC = false
    }

    deinit {
        if owner == nil {
            if allocatedInC { sfk_deallocate(bytes) } else { bytes.deallocate() }
        }
    }
}
