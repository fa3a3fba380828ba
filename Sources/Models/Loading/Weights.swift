import Foundation
import Hub
import Tensors

/// The tensors of a checkpoint, looked up by the names of the module tree, with the bookkeeping
/// `transformers`' `from_pretrained` does: which names the model asked for and the file lacked (missing), which the
/// file had and nobody used (unexpected), and the prefix differences between base and head checkpoints
/// (`bert.encoder…` in a `BertForMaskedLM` file loaded into a `BertModel`, or the reverse).
///
/// Architectures take a scoped view (`weights.scoped("encoder.layer.0")`) so their code mirrors the key tree.
public final class Weights: @unchecked Sendable {
    /// Shared state of one load: every scoped view records into it.
    final class Ledger: @unchecked Sendable {
        var tensors: [String: Tensor]
        /// Matrices kept in a ggml block format (GGUF checkpoints), by name; `tensor(_:)` dequantizes them on demand.
        var quantized: [String: QuantizedMatrix] = [:]
        var order: [String]
        var used: Set<String> = []
        var newlyInitialized: [String] = []
        /// What the model holds, by the names of its own module tree (what `save_pretrained` writes).
        var stateDict: [String: Tensor] = [:]
        /// The quantized matrices the model holds, by module name (dequantized when the model is saved).
        var quantizedState: [String: QuantizedMatrix] = [:]
        let source: String
        let basePrefix: String
        init(tensors: [(String, Tensor)], source: String, basePrefix: String) {
            var table: [String: Tensor] = [:]
            for (name, tensor) in tensors { table[Weights.fixLegacyName(name)] = tensor }
            self.tensors = table
            self.order = tensors.map { Weights.fixLegacyName($0.0) }
            self.source = source
            self.basePrefix = basePrefix
        }
    }

    let ledger: Ledger
    let scope: String

    /// - Parameters:
    ///   - tensors: name → tensor, in file order.
    ///   - source: where they came from, for messages.
    ///   - basePrefix: the model family's `base_model_prefix` (`bert`, `roberta`, `distilbert`…).
    ///   - quantized: matrices kept in their ggml block format (a GGUF checkpoint's), name → matrix; layers that can
    ///     multiply them directly (`Linear`, `Embedding`) take them as they are, anything else gets float32.
    public init(_ tensors: [(String, Tensor)], quantized: [(String, QuantizedMatrix)] = [], source: String, basePrefix: String) {
        ledger = Ledger(tensors: tensors, source: source, basePrefix: basePrefix)
        for (name, matrix) in quantized {
            let fixed = Weights.fixLegacyName(name)
            ledger.quantized[fixed] = matrix
            ledger.order.append(fixed)
        }
        scope = ""
    }

    private init(ledger: Ledger, scope: String) {
        self.ledger = ledger
        self.scope = scope
    }

    /// A view whose names are relative to `name` (`weights.scoped("attention").scoped("self")`).
    public func scoped(_ name: String) -> Weights {
        Weights(ledger: ledger, scope: scope.isEmpty ? name : scope + "." + name)
    }

    public func fullName(_ name: String) -> String { scope.isEmpty ? name : scope + "." + name }

    /// TensorFlow-era checkpoints name LayerNorm parameters gamma/beta; `transformers` renames them on load.
    static func fixLegacyName(_ name: String) -> String {
        if name.hasSuffix("LayerNorm.gamma") { return String(name.dropLast("gamma".count)) + "weight" }
        if name.hasSuffix("LayerNorm.beta") { return String(name.dropLast("beta".count)) + "bias" }
        return name
    }

    /// The stored name for a requested one, resolving the base-model prefix either way.
    private func storedName(for name: String) -> String? {
        func stored(_ candidate: String) -> Bool { ledger.tensors[candidate] != nil || ledger.quantized[candidate] != nil }
        if stored(name) { return name }
        let prefix = ledger.basePrefix + "."
        if name.hasPrefix(prefix), stored(String(name.dropFirst(prefix.count))) {
            return String(name.dropFirst(prefix.count))
        }
        if stored(prefix + name) { return prefix + name }
        return nil
    }

    /// The matrix `name` when the checkpoint keeps it quantized (checked against [rows, columns]), else nil — the
    /// caller then loads it as float32 with `tensor(_:shape:)`.
    public func quantizedMatrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix? {
        let full = fullName(name)
        guard let stored = storedName(for: full), let matrix = ledger.quantized[stored] else { return nil }
        guard matrix.rows == rows, matrix.columns == columns else {
            throw ModelError.weightShape(name: full, expected: [rows, columns], found: [matrix.rows, matrix.columns], source: ledger.source)
        }
        ledger.used.insert(stored)
        ledger.quantizedState[full] = matrix
        return matrix
    }

    public func contains(_ name: String) -> Bool { storedName(for: fullName(name)) != nil }

    /// The float32 tensor `name`, checked against `shape` when given.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        let full = fullName(name)
        guard let stored = storedName(for: full) else {
            throw ModelError.missingWeight(name: full, source: ledger.source)
        }
        // A quantized matrix asked for as float32 (a layer without a quantized path) is dequantized once.
        guard let tensor = try ledger.tensors[stored] ?? ledger.quantized[stored]?.dequantized() else {
            throw ModelError.missingWeight(name: full, source: ledger.source)
        }
        if let shape, tensor.shape != shape {
            throw ModelError.weightShape(name: full, expected: shape, found: tensor.shape, source: ledger.source)
        }
        ledger.used.insert(stored)
        let result = tensor.dtype == .float32 ? tensor : tensor.to(.float32)
        ledger.stateDict[full] = result
        return result
    }

    /// A head parameter that a base checkpoint does not have: loaded when present, otherwise initialized as
    /// `transformers` does for a fresh head (normal(0, std) weights, zero bias) and reported, like the reference's
    /// "Some weights of … were newly initialized" warning.
    public func tensorOrInitialized(_ name: String, shape: [Int], std: Double, zero: Bool = false) throws -> Tensor {
        if contains(name) { return try tensor(name, shape: shape) }
        ledger.newlyInitialized.append(fullName(name))
        let result: Tensor
        if zero {
            result = Tensor.zeros(shape)
        } else {
            let count = shape.reduce(1, *)
            var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: fullName(name).hashValue))
            result = try Tensor((0..<count).map { _ in Float(generator.nextGaussian() * std) }, shape: shape)
        }
        ledger.stateDict[fullName(name)] = result
        return result
    }

    /// Every parameter the model asked for, by its module name (tied copies appear once, under the name the model
    /// reads them by, as `save_pretrained` drops the tied duplicates).
    public var stateDict: [String: Tensor] { ledger.stateDict }

    /// Names in the file that no module asked for (after prefix resolution), in file order.
    public var unexpectedNames: [String] { ledger.order.filter { !ledger.used.contains($0) } }
    /// Head parameters that were not in the file and were initialized.
    public var newlyInitializedNames: [String] { ledger.newlyInitialized }
    /// Marks a stored tensor as consumed without loading it (tied weights saved twice).
    public func markUsed(_ name: String) {
        if let stored = storedName(for: fullName(name)) { ledger.used.insert(stored) }
    }
}

/// A small deterministic generator for initializing missing head weights (tests never depend on these values).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func nextGaussian() -> Double {
        let u1 = max(nextUniform(), .leastNonzeroMagnitude), u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
