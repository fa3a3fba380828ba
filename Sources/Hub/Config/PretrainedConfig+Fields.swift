// PretrainedConfig+Fields — typed accessors for the fields most models and pipelines read.
// Names follow the Python attributes (`hidden_size` → `hiddenSize`); a missing field is `nil`.

extension PretrainedConfig {
    public var architectures: [String]? {
        self["architectures"]?.arrayValue?.compactMap(\.stringValue)
    }

    public var hiddenSize: Int? { int("hidden_size") }
    public var numAttentionHeads: Int? { int("num_attention_heads") }
    public var numHiddenLayers: Int? { int("num_hidden_layers") }
    public var intermediateSize: Int? { int("intermediate_size") }
    public var vocabSize: Int? { int("vocab_size") }
    public var maxPositionEmbeddings: Int? { int("max_position_embeddings") }
    public var typeVocabSize: Int? { int("type_vocab_size") }
    public var layerNormEps: Double? { double("layer_norm_eps") }
    public var initializerRange: Double? { double("initializer_range") }
    public var hiddenAct: String? { string("hidden_act") }
    public var padTokenId: Int? { int("pad_token_id") }
    public var bosTokenId: Int? { int("bos_token_id") }
    /// The first end-of-sequence id (`eos_token_id` may be a list, as in Llama 3).
    public var eosTokenId: Int? { eosTokenIds.first }
    /// All end-of-sequence ids.
    public var eosTokenIds: [Int] {
        guard let value = self["eos_token_id"] else { return [] }
        if let single = value.intValue { return [single] }
        return value.arrayValue?.compactMap(\.intValue) ?? []
    }
    public var sepTokenId: Int? { int("sep_token_id") }
    public var decoderStartTokenId: Int? { int("decoder_start_token_id") }
    /// `"float32"`, `"bfloat16"`… (Python prints `torch.float32`; the saved JSON has the bare name).
    /// Configs saved by transformers 5 call it `dtype`; that is read too, so loaders see the weights' type.
    public var torchDtype: String? { string("torch_dtype") ?? string("dtype") }
    public var tieWordEmbeddings: Bool { bool("tie_word_embeddings") ?? true }
    public var isEncoderDecoder: Bool { bool("is_encoder_decoder") ?? false }
    public var problemType: String? { string("problem_type") }

    // MARK: - Labels

    /// Class index → label, as the classification heads and pipelines use it.
    public var id2label: [Int: String] {
        get {
            var result: [Int: String] = [:]
            for (key, value) in self["id2label"]?.objectValue ?? JSONObject() {
                if let index = Int(key), let label = value.stringValue { result[index] = label }
            }
            return result
        }
        set {
            var object = JSONObject()
            for index in newValue.keys.sorted() { object[String(index)] = .string(newValue[index] ?? "") }
            self["id2label"] = .object(object)
        }
    }

    public var label2id: [String: Int] {
        get {
            var result: [String: Int] = [:]
            for (key, value) in self["label2id"]?.objectValue ?? JSONObject() {
                if let index = value.intValue { result[key] = index }
            }
            return result
        }
        set {
            var object = JSONObject()
            for label in newValue.keys.sorted() { object[label] = .int(newValue[label] ?? 0) }
            self["label2id"] = .object(object)
        }
    }

    /// Labels in index order (`["NEGATIVE", "POSITIVE"]`).
    public var labels: [String] {
        let map = id2label
        return map.keys.sorted().compactMap { map[$0] }
    }

    /// `len(id2label)`; setting a different count recreates `LABEL_i` maps, as Python's `num_labels` setter does.
    public var numLabels: Int {
        get { self["id2label"]?.objectValue?.count ?? 0 }
        set {
            guard self["id2label"]?.objectValue?.count != newValue else { return }
            let (id2label, label2id) = Self.defaultLabelMaps(newValue)
            self["id2label"] = id2label
            self["label2id"] = label2id
        }
    }
}
