import Tensors

/// How a Swin layer cuts a [batch, height·width, channels] token map into windows, computed once per forward pass
/// and shift, and shared by every layer with that shift.
///
/// The reference rolls the map by −shift (a copy), partitions it into windows (a permute copy), attends, merges the
/// windows back (a copy) and rolls by +shift (a copy), and adds the shifted-window mask — [windows, 1, w², w²] plus
/// the per-head position bias, a [windows, heads, w², w²] tensor (107 MB for a 264×264 map) — to every window. Here:
/// - the roll and the partition are one row gather (`gather`: for each token of the window order, its source
///   token), and the merge and the roll back are the inverse gather (`scatter`);
/// - windows are ordered with the interior ones first: the mask is zero there (the shift only makes regions meet in
///   the last window row and column), so they attend with the position bias alone and only the `boundary` windows
///   get bias + mask ([boundary, heads, w², w²], 65 of 1089 windows at 264×264).
struct Swin2SRWindows: Sendable {
    let window: Int
    let rows: Int, columns: Int
    /// Windows per image whose mask is zero (all of them without a shift).
    let interior: Int
    /// Int64 indices into the flattened [batch·height·width] tokens.
    let gather: Tensor, scatter: Tensor
    /// The doubled −100 mask (as the reference adds it twice) of the boundary windows: [boundary, 1, w², w²].
    let boundaryMask: Tensor?

    var windowsPerImage: Int { rows * columns }

    init(batch: Int, height: Int, width: Int, window: Int, shift: Int) throws {
        (self.window, rows, columns) = (window, height / window, width / window)
        let (rows, columns) = (self.rows, self.columns)
        // Window order: interior windows (neither in the last row nor the last column) first, row-major.
        var order: [(Int, Int)] = []
        for r in 0..<rows { for c in 0..<columns where shift == 0 || (r < rows - 1 && c < columns - 1) { order.append((r, c)) } }
        interior = order.count
        if shift > 0 {
            for r in 0..<rows { for c in 0..<columns where r == rows - 1 || c == columns - 1 { order.append((r, c)) } }
        }
        let tokens = height * width, count = window * window
        var gather = [Int64](repeating: 0, count: batch * tokens)
        var scatter = [Int64](repeating: 0, count: batch * tokens)
        for b in 0..<batch {
            for (w, (r, c)) in order.enumerated() {
                for p in 0..<count {
                    // Token p of window (r, c) of the map rolled by −shift comes from ((y + shift) mod H, (x + shift) mod W).
                    let y = (r * window + p / window + shift) % height, x = (c * window + p % window + shift) % width
                    let target = b * tokens + w * count + p, source = b * tokens + y * width + x
                    gather[target] = Int64(source)
                    scatter[source] = Int64(target)
                }
            }
        }
        self.gather = try Tensor(gather, shape: [batch * tokens])
        self.scatter = try Tensor(scatter, shape: [batch * tokens])
        guard shift > 0, order.count > interior else {
            boundaryMask = nil
            return
        }
        // Regions of the rolled map: 0 before height − window, 1 before height − shift, 2 after (per axis).
        func region(_ i: Int, _ size: Int) -> Int { i < size - window ? 0 : (i < size - shift ? 1 : 2) }
        let boundary = order[interior...]
        var mask = [Float](repeating: 0, count: boundary.count * count * count)
        for (k, (r, c)) in boundary.enumerated() {
            let labels = (0..<count).map { p in region(r * window + p / window, height) * 3 + region(c * window + p % window, width) }
            for i in 0..<count {
                for j in 0..<count where labels[i] != labels[j] { mask[(k * count + i) * count + j] = -200 }
            }
        }
        boundaryMask = try Tensor(mask, shape: [boundary.count, 1, count, count])
    }

    /// [batch, height·width, channels] → [batch, windows, w², channels] in window order (rolled by −shift).
    func partition(_ x: Tensor) throws -> Tensor {
        let (batch, channels) = (x.shape[0], x.shape[2])
        return try x.reshape([batch * x.shape[1], channels]).indexSelect(dim: 0, index: gather)
            .reshape([batch, windowsPerImage, window * window, channels])
    }

    /// The inverse of `partition`: [batch, windows, w², channels] → [batch, height·width, channels].
    func merge(_ windows: Tensor) throws -> Tensor {
        let (batch, channels) = (windows.shape[0], windows.shape[3])
        return try windows.reshape([batch * windowsPerImage * window * window, channels]).indexSelect(dim: 0, index: scatter)
            .reshape([batch, windowsPerImage * window * window, channels])
    }
}
