// conv2d and scaled_dot_product_attention at model shapes (ViT, ResNet, BERT, GPT-2); the PyTorch side is
// Scripts/bench/conv.py and Scripts/bench/sdpa.py.
import Tensors

enum NNBench {
    static func random(_ shape: [Int], seed: UInt32) -> Tensor {
        var state = seed
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5
        }
        return (try? Tensor(values, shape: shape)) ?? Tensor.zeros(shape)
    }

    static func convRows() -> [BenchRow] {
        let cases: [(String, [Int], [Int], Int, Int)] = [
            ("vit patch 1x3x224x224 k16 s16", [1, 3, 224, 224], [768, 3, 16, 16], 16, 0),
            ("resnet 3x3 1x64x56x56", [1, 64, 56, 56], [64, 64, 3, 3], 1, 1),
        ]
        return cases.map { name, inputShape, weightShape, stride, padding in
            let x = random(inputShape, seed: 1), w = random(weightShape, seed: 2), b = random([weightShape[0]], seed: 3)
            var outPixels = 0
            let seconds = BenchTiming.best {
                let y = try? x.conv2d(weight: w, bias: b, stride: [stride], padding: [padding])
                outPixels = (y?.count ?? 0) / weightShape[0]
            }
            let flops = 2.0 * Double(outPixels * weightShape.reduce(1, *))
            return BenchRow(suite: "conv", name: name, seconds: seconds, rate: flops / seconds / 1e9, unit: "GFLOP/s")
        }
    }

    static func sdpaRows() -> [BenchRow] {
        let cases: [(String, [Int], [Int], Bool)] = [
            ("bert 1x12x128x64", [1, 12, 128, 64], [1, 12, 128, 64], false),
            ("bert 8x12x128x64", [8, 12, 128, 64], [8, 12, 128, 64], false),
            ("gpt2 causal 1x12x1024x64", [1, 12, 1024, 64], [1, 12, 1024, 64], true),
            ("gpt2 decode 1x12x1x64 kv1024", [1, 12, 1, 64], [1, 12, 1024, 64], false),
        ]
        return cases.map { name, queryShape, keyShape, causal in
            let q = random(queryShape, seed: 4), k = random(keyShape, seed: 5), v = random(keyShape, seed: 6)
            let seconds = BenchTiming.best {
                _ = try? Tensor.scaledDotProductAttention(query: q, key: k, value: v, isCausal: causal)
            }
            let (l, s, e) = (queryShape[2], keyShape[2], queryShape[3])
            let flops = 4.0 * Double(queryShape[0] * queryShape[1] * l * s * e) * (causal ? 0.5 : 1)
            return BenchRow(suite: "sdpa", name: name, seconds: seconds, rate: flops / seconds / 1e9, unit: "GFLOP/s")
        }
    }
}
