import Foundation

/// Relative positions of DeBERTa-v2 (`build_relative_position` and `make_log_bucket_position` in
/// transformers/models/deberta_v2/modeling_deberta_v2.py): query i to key j is i − j, compressed into log-spaced
/// buckets beyond `bucketSize / 2`. Computed in Float32 like the reference, so that `ceil` lands on the same bucket.
enum RelativePositions {
    /// [queries × keys] row-major bucketed relative positions.
    static func build(queries: Int, keys: Int, bucketSize: Int, maxPosition: Int) -> [Int] {
        var result = [Int](repeating: 0, count: queries * keys)
        for i in 0..<queries {
            for j in 0..<keys {
                let relative = i - j
                result[i * keys + j] = bucketSize > 0 && maxPosition > 0
                    ? logBucket(relative, bucketSize: bucketSize, maxPosition: maxPosition) : relative
            }
        }
        return result
    }

    static func logBucket(_ relative: Int, bucketSize: Int, maxPosition: Int) -> Int {
        let mid = bucketSize / 2
        let absolute = (relative < mid && relative > -mid) ? mid - 1 : abs(relative)
        if absolute <= mid { return relative }
        let ratio = logf(Float(absolute) / Float(mid)) / logf(Float(Double(maxPosition - 1) / Double(mid)))
        let logPosition = Int((ratio * Float(mid - 1)).rounded(.up)) + mid
        return relative < 0 ? -logPosition : logPosition
    }
}
