// padding="same" / "valid" for conv1d and conv2d, as PyTorch spells them.

extension Tensor {
    /// `conv2d(..., padding="same" | "valid")`. "same" keeps the input size (stride 1 only, as in
    /// PyTorch); when the total padding d·(k−1) of an axis is odd, the extra row/column goes at the
    /// end (bottom/right), exactly as PyTorch pads.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: String, dilation: [Int] = [1], groups: Int = 1
    ) throws -> Tensor {
        let op = "conv2d"
        switch padding {
        case "valid":
            return try conv2d(weight: weight, bias: bias, stride: stride, padding: [0], dilation: dilation, groups: groups)
        case "same":
            guard try nnTuple(stride, count: 2, op: op, name: "stride").allSatisfy({ $0 == 1 }) else {
                throw TensorError.invalidArgument(op: op, detail: "padding='same' is not supported for strided convolutions")
            }
            guard weight.rank == 4, rank == 3 || rank == 4 else {
                throw TensorError.shapeMismatch(
                    op: op, detail: "input \(shapeString(shape)) and weight \(shapeString(weight.shape)) must be [N, C, H, W] (or [C, H, W]) and [O, C/groups, kH, kW]")
            }
            let d = try nnTuple(dilation, count: 2, op: op, name: "dilation")
            let totals = [d[0] * (weight.shape[2] - 1), d[1] * (weight.shape[3] - 1)]
            let before = totals.map { $0 / 2 }
            let extra = zip(totals, before).map { $0 - 2 * $1 }  // 0 or 1 at the end of each axis
            let input = extra == [0, 0] ? self : try zeroPaddedAtEnd(height: extra[0], width: extra[1], op: op)
            return try input.conv2d(weight: weight, bias: bias, stride: [1], padding: before, dilation: d, groups: groups)
        default:
            throw TensorError.invalidArgument(op: op, detail: "invalid padding string '\(padding)', expected 'same' or 'valid'")
        }
    }

    /// `conv1d(..., padding="same" | "valid")`.
    public func conv1d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: String, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        guard rank == 2 || rank == 3, weight.rank == 3 else {
            throw TensorError.shapeMismatch(
                op: "conv1d", detail: "input \(shapeString(shape)) and weight \(shapeString(weight.shape)) must be [N, C, L] (or [C, L]) and [O, C/groups, k]")
        }
        let result = try unsqueeze(-2).conv2d(
            weight: weight.unsqueeze(2), bias: bias, stride: [1, stride], padding: padding, dilation: [1, dilation],
            groups: groups)
        return try result.squeeze(-2)
    }

    /// A float32 copy with `height` zero rows and `width` zero columns appended to the last two axes.
    private func zeroPaddedAtEnd(height: Int, width: Int, op: String) throws -> Tensor {
        let source = try floatOperand(op)
        var newShape = shape
        newShape[rank - 2] += height
        newShape[rank - 1] += width
        let padded = Tensor(zeros: newShape)
        var region = try padded.narrow(rank - 2, start: 0, length: shape[rank - 2]).narrow(rank - 1, start: 0, length: shape[rank - 1])
        region.copyElements(from: source)
        return padded
    }
}
