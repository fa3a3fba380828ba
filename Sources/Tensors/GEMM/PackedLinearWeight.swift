// A linear layer's weight kept packed in the AVX2 GEMM's layout, so that a product does not re-pack it.
import CKernels

/// The weight W [out, in] of a linear layer, packed on first use into the 16-column panels of Wᵀ that
/// `sfk_sgemm_avx2_prepacked` reads. Packing the weight on every product streams it from memory, transposes it
/// and writes the panels: at the few dozen rows of a CLIP image (50 patches) or a batch of short texts that was
/// a third of the product's time, and ~15% at 128–197 rows (BERT at sequence 128, ViT at 197 patches).
///
/// Packing waits for the first product (loading a checkpoint stays a mapping, with no pass over the weights);
/// the packed copy then replaces the mapped file's pages in memory: the mapping's pages of the weight are
/// reclaimed (`sfk_release_mapped_pages`), so the resident size stays about one copy of the weights. `weight`
/// itself stays valid (a later read maps the pages again from the file).
public final class PackedLinearWeight: @unchecked Sendable {
    public let weight: Tensor
    private let packed = LockedState<TensorStorage?>(nil)

    /// Nil unless the weight is a float32 matrix [out, in] and products run the packed AVX2 kernel.
    public init?(_ weight: Tensor) {
        guard weight.dtype == .float32, weight.rank == 2, weight.shape[0] > 0, weight.shape[1] > 0, GEMM.usesPackedAVX2 else {
            return nil
        }
        self.weight = weight
    }

    var outFeatures: Int { weight.shape[0] }
    var inFeatures: Int { weight.shape[1] }

    /// The packed panels (packing them the first time).
    func panels() -> TensorStorage {
        packed.withLock { stored in
            if let stored { return stored }
            let (n, k) = (outFeatures, inFeatures)
            let storage = TensorStorage(uninitializedByteCount: 16 * k * ((n + 15) / 16) * MemoryLayout<Float>.stride)
            let w = weight
            // B = Wᵀ [in, out]: element (p, j) at W[j, p].
            sfk_pack_b_avx2(k, n, w.floatPointer, w.strides[1], w.strides[0], storage.bytes.assumingMemoryBound(to: Float.self))
            if w.storage.owner is MappedFile {
                sfk_release_mapped_pages(w.storage.bytes, w.storage.byteCount)
            }
            stored = storage
            return storage
        }
    }
}
