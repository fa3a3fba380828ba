// The reference's post-processing arithmetic, in float32 like its numpy/torch code, so near-ties order the same.
import Foundation

enum ScoreMath {
    /// `exp(x - max) / sum` (numpy `softmax` of the pipelines, torch `softmax`).
    static func softmax<C: Collection>(_ logits: C) -> [Float] where C.Element == Float {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp($0 - maximum) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// `1 / (1 + exp(-x))`.
    static func sigmoid<C: Collection>(_ logits: C) -> [Float] where C.Element == Float {
        logits.map { 1 / (1 + Foundation.exp(-$0)) }
    }

    /// Index of the first maximum (numpy `argmax`).
    static func argmax<C: Collection>(_ values: C) -> Int where C.Element == Float, C.Index == Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }

    /// Indices of the `k` largest values, largest first; equal values keep index order (torch `topk` on CPU).
    static func topIndices(_ values: [Float], k: Int) -> [Int] {
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        return Array(order.prefix(k))
    }
}
