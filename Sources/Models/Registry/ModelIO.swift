import Hub
import Tensors

/// What `model(**inputs)` takes: the tokenizer's tensors by their Python names, plus the flags the guides pass.
public struct ModelInputs: Sendable {
    public var inputIds: Tensor?
    public var attentionMask: Tensor?
    public var tokenTypeIds: Tensor?
    public var positionIds: Tensor?
    public var inputsEmbeds: Tensor?
    /// Images as the image processors return them: [batch, channels, height, width] float32.
    public var pixelValues: Tensor?
    public var outputHiddenStates = false
    public var outputAttentions = false

    public init(inputIds: Tensor? = nil, attentionMask: Tensor? = nil, tokenTypeIds: Tensor? = nil,
                positionIds: Tensor? = nil, outputHiddenStates: Bool = false, outputAttentions: Bool = false) {
        self.inputIds = inputIds
        self.attentionMask = attentionMask
        self.tokenTypeIds = tokenTypeIds
        self.positionIds = positionIds
        self.outputHiddenStates = outputHiddenStates
        self.outputAttentions = outputAttentions
    }

    /// Builds inputs from `name → tensor` (what a tokenizer returns), rejecting names the model does not know,
    /// as Python's `forward() got an unexpected keyword argument` would.
    public init(_ named: [String: Tensor]) throws {
        for (name, tensor) in named {
            switch name {
            case "input_ids": inputIds = tensor
            case "attention_mask": attentionMask = tensor
            case "token_type_ids": tokenTypeIds = tensor
            case "position_ids": positionIds = tensor
            case "inputs_embeds": inputsEmbeds = tensor
            case "pixel_values": pixelValues = tensor
            default: throw ModelError.invalidInput("forward() got an unexpected keyword argument '\(name)'")
            }
        }
    }
}

/// A model's result, as the reference's `ModelOutput`: named fields in a fixed order (`logits`,
/// `last_hidden_state`…), where only the fields that were computed are present — so `outputs[0]` and
/// `outputs.logits` mean what they mean in Python.
public struct ModelOutput: Sendable {
    public enum Field: Sendable {
        case tensor(Tensor)
        case tensors([Tensor])  // hidden_states, attentions: one per layer (plus embeddings)
    }

    /// `CausalLMOutput`, `MaskedLMOutput`, … as Python names the class (shown in reprs).
    public var className: String
    public private(set) var fields: [(name: String, value: Field)] = []

    public init(_ className: String) { self.className = className }

    public mutating func set(_ name: String, _ tensor: Tensor) { set(name, .tensor(tensor)) }
    public mutating func set(_ name: String, _ tensors: [Tensor]) { set(name, .tensors(tensors)) }
    /// Fields keep the order of the reference's output dataclasses whatever order the forward pass sets them in.
    public mutating func set(_ name: String, _ value: Field) {
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index].value = value
            return
        }
        let rank = Self.canonicalOrder.firstIndex(of: name) ?? Self.canonicalOrder.count
        let position = fields.firstIndex { (Self.canonicalOrder.firstIndex(of: $0.name) ?? Self.canonicalOrder.count) > rank }
        fields.insert((name, value), at: position ?? fields.count)
    }

    /// Field order shared by every output class of the reference (`loss` first, then the main result, pooled
    /// output, cache, per-layer tuples).
    static let canonicalOrder = [
        "loss", "logits", "logits_per_image", "logits_per_text", "text_embeds", "image_embeds", "start_logits", "end_logits",
        "predicted_depth", "reconstruction", "last_hidden_state", "pooler_output", "past_key_values",
        "hidden_states", "attentions", "cross_attentions",
    ]

    /// Drops backbone fields a head's output class does not carry (`MaskedLMOutput` has no `last_hidden_state`).
    public mutating func remove(_ names: [String]) { fields.removeAll { names.contains($0.name) } }

    public subscript(name: String) -> Field? { fields.first { $0.name == name }?.value }

    /// The tensor field `name`, or nil.
    public func tensor(_ name: String) -> Tensor? {
        if case .tensor(let t)? = self[name] { return t }
        return nil
    }

    public var logits: Tensor? { tensor("logits") }
    public var lastHiddenState: Tensor? { tensor("last_hidden_state") }
}

/// A model instance: a config plus a forward pass. Every architecture × head adopts it; the registry builds them.
public protocol PretrainedModel: AnyObject, Sendable {
    var config: PretrainedConfig { get }
    func forward(_ inputs: ModelInputs) throws -> ModelOutput
}

// MARK: - Shared head plumbing

extension ModelInputs {
    /// Multiple choice: [batch, choices, seq] inputs as [batch·choices, seq] rows, with the [batch, choices] shape the
    /// per-row scores fold back into (`input_ids.view(-1, input_ids.size(-1))` in every reference head).
    public func flattenedChoices() throws -> (inputs: ModelInputs, choiceShape: [Int]) {
        guard let ids = inputIds, ids.rank == 3 else {
            throw ModelError.invalidInput("multiple choice expects input_ids of shape [batch, choices, sequence]")
        }
        func flat(_ t: Tensor?) throws -> Tensor? { try t.map { try $0.reshape([-1, $0.shape[$0.rank - 1]]) } }
        var flattened = self
        flattened.inputIds = try flat(ids)
        flattened.attentionMask = try flat(attentionMask)
        flattened.tokenTypeIds = try flat(tokenTypeIds)
        flattened.positionIds = try flat(positionIds)
        return (flattened, [ids.shape[0], ids.shape[1]])
    }
}

extension ModelOutput {
    /// Question answering: the [..., 2] `qa_outputs` split into `start_logits` and `end_logits`.
    public mutating func setSpanLogits(_ logits: Tensor) throws {
        set("start_logits", try logits.select(-1, 0).contiguous())
        set("end_logits", try logits.select(-1, 1).contiguous())
    }
}
