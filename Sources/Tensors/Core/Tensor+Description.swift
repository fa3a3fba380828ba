import Foundation

// MARK: - Printing exactly as PyTorch prints (torch/_tensor_str.py with default print options).

/// PyTorch's default `torch.set_printoptions`: precision 4, summarize above 1000 elements showing 3 edge items,
/// lines of 80 characters.
struct PrintOptions {
    static let precision = 4
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 80
}

extension Tensor: CustomStringConvertible {
    /// `tensor([[0.1000, 0.2000]])`, `tensor([1, 2], dtype=torch.int32)`, `tensor([], size=(0, 3))`.
    public var description: String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let defaultDType: Set<DType> = [.float32, .int64, .bool]
        let body: String
        if count == 0 {
            if rank != 1 { suffixes.append("size=" + pythonTuple(shape)) }
            if dtype != .float32 { suffixes.append("dtype=" + dtype.torchName) }
            body = "[]"
        } else {
            if !defaultDType.contains(dtype) { suffixes.append("dtype=" + dtype.torchName) }
            body = TensorPrinter(self).render(indent: indent)
        }
        // _add_suffixes: wrap a suffix onto its own line when it would pass the line width.
        var result = prefix + body
        // Python: len(tensor_str) - tensor_str.rfind("\n") + 1 (rfind is -1 without a newline).
        let characters = Array(result)
        let lastNewline = characters.lastIndex(of: "\n") ?? -1
        var lastLineLength = characters.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > PrintOptions.lineWidth {
                result += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                result += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return result + ")"
    }

    /// `torch.Size([1, 3, 224, 224])`.
    public var sizeDescription: String { "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])" }
}

/// `(0, 3)` / `(5,)`: Python's tuple repr of a shape.
func pythonTuple(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}

/// One print of one tensor: the element formatter (`_Formatter`) is fitted to all values shown, then the nested
/// brackets are laid out (`_tensor_str_with_formatter`).
private struct TensorPrinter {
    let tensor: Tensor
    let values: Tensor  // float32 for half types, as PyTorch prints them
    let summarize: Bool
    let isFloating: Bool
    var intMode = true
    var sciMode = false
    var maxWidth = 1

    init(_ tensor: Tensor) {
        self.tensor = tensor
        self.values = tensor.dtype == .float16 || tensor.dtype == .bfloat16 ? tensor.to(.float32) : tensor
        self.summarize = tensor.count > PrintOptions.threshold
        self.isFloating = tensor.dtype.isFloatingPoint
        fitFormatter(to: summarize ? summarizedValues(values) : allValues(values))
    }

    private func allValues(_ t: Tensor) -> [Double] {
        let dense = t.contiguous()
        return withExtendedLifetime(dense) {
            let raw = UnsafeRawPointer(dense.basePointer(as: UInt8.self))
            return (0..<dense.count).map { dense.dtype.loadDouble(raw, $0) }
        }
    }

    /// `get_summarized_data`: only the edge items of every dimension.
    private func summarizedValues(_ t: Tensor) -> [Double] {
        if t.rank == 0 { return allValues(t) }
        let n = t.shape[0], e = PrintOptions.edgeItems
        let rows = n > 2 * e ? Array(0..<e) + Array((n - e)..<n) : Array(0..<n)
        if t.rank == 1 { return rows.map { (try? t.double(at: [$0])) ?? 0 } }
        return rows.flatMap { row in (try? t.select(0, row)).map(summarizedValues) ?? [] }
    }

    private mutating func fitFormatter(to shown: [Double]) {
        let p = PrintOptions.precision
        guard isFloating else {
            maxWidth = shown.map { formatInteger($0).count }.max() ?? 1
            return
        }
        let finite = shown.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        let magnitudes = finite.map { abs($0) }
        let minimum = magnitudes.min()!, maximum = magnitudes.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        if intMode {
            if maximum / minimum > 1000 || maximum > 1e8 {
                sciMode = true
                maxWidth = finite.map { String(format: "%.\(p)e", $0).count }.max()!
            } else {
                maxWidth = finite.map { String(format: "%.0f", $0).count + 1 }.max()!
            }
        } else if maximum / minimum > 1000 || maximum > 1e8 || minimum < 1e-4 {
            sciMode = true
            maxWidth = finite.map { String(format: "%.\(p)e", $0).count }.max()!
        } else {
            maxWidth = finite.map { String(format: "%.\(p)f", $0).count }.max()!
        }
    }

    private func formatInteger(_ value: Double) -> String {
        tensor.dtype == .bool ? (value != 0 ? "True" : "False") : String(Int64(value))
    }

    private func format(_ value: Double) -> String {
        let p = PrintOptions.precision
        var text: String
        if !isFloating {
            text = formatInteger(value)
        } else if value.isNaN {
            text = "nan"
        } else if value.isInfinite {
            text = value > 0 ? "inf" : "-inf"
        } else if sciMode {
            text = String(format: "%.\(p)e", value)
        } else if intMode {
            text = String(format: "%.0f", value) + "."
        } else {
            text = String(format: "%.\(p)f", value)
        }
        if text.count < maxWidth { text = String(repeating: " ", count: maxWidth - text.count) + text }
        return text
    }

    func render(indent: Int) -> String { render(values, indent: indent) }

    private func render(_ t: Tensor, indent: Int) -> String {
        if t.rank == 0 { return format((try? t.item()) ?? 0) }
        let n = t.shape[0], e = PrintOptions.edgeItems
        let summarizeHere = summarize && n > 2 * e
        if t.rank == 1 {
            let elementLength = maxWidth + 2
            let perLine = max(1, (PrintOptions.lineWidth - indent) / elementLength)
            let items: [String]
            if summarizeHere {
                items = (0..<e).map { format((try? t.double(at: [$0])) ?? 0) } + [" ..."]
                    + ((n - e)..<n).map { format((try? t.double(at: [$0])) ?? 0) }
            } else {
                items = (0..<n).map { format((try? t.double(at: [$0])) ?? 0) }
            }
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let rows = summarizeHere ? Array(0..<e) + [-1] + Array((n - e)..<n) : Array(0..<n)
        let slices = rows.map { row in
            row < 0 ? "..." : ((try? t.select(0, row)).map { render($0, indent: indent + 1) } ?? "")
        }
        let separator = "," + String(repeating: "\n", count: t.rank - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }
}
