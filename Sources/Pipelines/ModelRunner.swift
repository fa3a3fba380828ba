// Runs encodings through the model in batches of `batch_size`: rows are padded to the longest in their batch
// (attention mask 0 on padding) and every output is cut back to its own length, so a batched call returns what
// one-by-one calls return.
import Models
import Tensors
import Tokenizers

/// One output of one input: a dense float array with the batch axis removed.
struct FloatArray: Sendable {
    var shape: [Int]
    var values: [Float]

    /// Row `i` of a rank-2 array (a token's scores).
    func row(_ i: Int) -> ArraySlice<Float> {
        let width = shape.count > 1 ? shape[1] : 1
        return values[(i * width)..<((i + 1) * width)]
    }

    var rows: Int { shape.first ?? 1 }
}

struct ModelRunner: Sendable {
    let model: any PretrainedModel
    let tokenizer: PreTrainedTokenizer

    /// `fields`: output name → whether its first axis (after the batch) runs over tokens and must be cut back to
    /// each input's own length.
    func run(_ encodings: [Encoding], batchSize: Int, fields: [String: Bool]) throws -> [[String: FloatArray]] {
        var results: [[String: FloatArray]] = []
        results.reserveCapacity(encodings.count)
        var start = 0
        while start < encodings.count {
            let batch = Array(encodings[start..<min(start + batchSize, encodings.count)])
            results.append(contentsOf: try runBatch(batch, fields: fields))
            start += batch.count
        }
        return results
    }

    /// Runs the encodings through the model `batchSize` at a time, handing each batch's range and raw output
    /// (rows padded to the batch's longest) to `body`: for callers that reduce the outputs themselves.
    func forEachBatch(_ encodings: [Encoding], batchSize: Int,
                      _ body: (Range<Int>, ModelOutput) throws -> Void) throws {
        var start = 0
        while start < encodings.count {
            let range = start..<min(start + batchSize, encodings.count)
            try body(range, try model.forward(try inputs(Array(encodings[range]))))
            start = range.upperBound
        }
    }

    /// The batch as model inputs: ids, attention mask and (when any is nonzero) token types, padded to the longest
    /// row on the tokenizer's padding side.
    func inputs(_ batch: [Encoding]) throws -> ModelInputs {
        let length = batch.map(\.count).max() ?? 0
        let padId = Int64(tokenizer.padTokenId ?? 0)
        var ids = [Int64](repeating: padId, count: batch.count * length)
        var mask = [Int64](repeating: 0, count: batch.count * length)
        var types = [Int64](repeating: 0, count: batch.count * length)
        var anyType = false
        let padLeft = tokenizer.paddingSide == .left
        for (row, encoding) in batch.enumerated() {
            let shift = padLeft ? length - encoding.count : 0
            for (i, id) in encoding.ids.enumerated() {
                let at = row * length + shift + i
                ids[at] = Int64(id)
                mask[at] = encoding.attentionMask.isEmpty ? 1 : Int64(encoding.attentionMask[i])
                let type = i < encoding.typeIds.count ? encoding.typeIds[i] : 0
                types[at] = Int64(type)
                if type != 0 { anyType = true }
            }
        }
        var inputs = ModelInputs(
            inputIds: try Tensor(ids, shape: [batch.count, length]), attentionMask: try Tensor(mask, shape: [batch.count, length]))
        // All-zero token types equal the models' default; passing none keeps DistilBERT-style models valid.
        if anyType { inputs.tokenTypeIds = try Tensor(types, shape: [batch.count, length]) }
        return inputs
    }

    private func runBatch(_ batch: [Encoding], fields: [String: Bool]) throws -> [[String: FloatArray]] {
        let output = try model.forward(try inputs(batch))
        let padLeft = tokenizer.paddingSide == .left

        var perItem = [[String: FloatArray]](repeating: [:], count: batch.count)
        for (name, tokenAxis) in fields {
            guard let tensor = output.tensor(name) else { throw PipelineError.modelOutputMissing(name) }
            let values = tensor.contiguous().floats()
            let itemShape = Array(tensor.shape.dropFirst())
            let itemCount = itemShape.reduce(1, *)
            for (row, encoding) in batch.enumerated() {
                let slice = Array(values[(row * itemCount)..<((row + 1) * itemCount)])
                guard tokenAxis, let tokens = itemShape.first, tokens != encoding.count else {
                    perItem[row][name] = FloatArray(shape: itemShape, values: slice)
                    continue
                }
                let inner = itemShape.dropFirst().reduce(1, *)
                let offset = padLeft ? tokens - encoding.count : 0
                let kept = Array(slice[(offset * inner)..<((offset + encoding.count) * inner)])
                perItem[row][name] = FloatArray(shape: [encoding.count] + itemShape.dropFirst(), values: kept)
            }
        }
        return perItem
    }
}
