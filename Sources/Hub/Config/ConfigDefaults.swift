// ConfigDefaults — what a `transformers` config class sets when config.json leaves a field out.
//
// The values come from the reference (`ConfigDefaults+Table.swift`, generated). Two things cannot be
// tabulated as constants because the Python `__init__` computes them from other fields; they are the
// `derived` rules below.

struct ModelTypeDefaults: Sendable {
    let modelType: String
    let className: String
    /// JSON object: public name → stored name (`"hidden_size": "n_embd"` for GPT-2).
    let attributeMap: String
    /// JSON object: the class's `__init__` defaults that differ from `PretrainedConfig()`'s.
    let defaults: String
}

enum ConfigDefaults {
    /// A bare `PretrainedConfig().to_dict()`.
    static let base: JSONObject = parse(baseDefaultsJSON)

    struct Entry: Sendable {
        let className: String
        let attributeMap: [String: String]
        let defaults: JSONObject
    }

    static let byModelType: [String: Entry] = {
        var result: [String: Entry] = [:]
        for row in table {
            var map: [String: String] = [:]
            for (key, value) in parse(row.attributeMap) { map[key] = value.stringValue }
            result[row.modelType] = Entry(className: row.className, attributeMap: map, defaults: parse(row.defaults))
        }
        return result
    }()

    private static func parse(_ json: String) -> JSONObject {
        (try? JSONValue(parsing: json))?.objectValue ?? JSONObject()
    }

    // MARK: - Fields computed by `__init__`

    /// `key` is set from other fields: when config.json omits it (`ifMissing`) or sets it to null.
    struct DerivedRule: Sendable {
        let key: String
        let ifMissing: Bool
        let compute: @Sendable (JSONObject) -> JSONValue?
    }

    private static let keyValueHeadsFromHeads: @Sendable (JSONObject) -> JSONValue? = { $0["num_attention_heads"] }
    private static let headDimension: @Sendable (JSONObject) -> JSONValue? = { values in
        guard let hidden = values["hidden_size"]?.intValue, let heads = values["num_attention_heads"]?.intValue,
            heads > 0
        else { return nil }
        return .int(Int((Double(hidden) / Double(heads)).rounded(.down)))
    }

    /// `if num_key_value_heads is None: num_key_value_heads = num_attention_heads` (with a `None` default
    /// in Llama and Phi-3, so a missing key counts too), and Llama's `head_dim = hidden_size // num_attention_heads`.
    static let derived: [String: [DerivedRule]] = [
        "llama": [
            DerivedRule(key: "num_key_value_heads", ifMissing: true, compute: keyValueHeadsFromHeads),
            DerivedRule(key: "head_dim", ifMissing: true, compute: headDimension),
        ],
        "phi3": [DerivedRule(key: "num_key_value_heads", ifMissing: true, compute: keyValueHeadsFromHeads)],
        "mistral": [DerivedRule(key: "num_key_value_heads", ifMissing: false, compute: keyValueHeadsFromHeads)],
        "qwen2": [DerivedRule(key: "num_key_value_heads", ifMissing: false, compute: keyValueHeadsFromHeads)],
        "gemma": [DerivedRule(key: "num_key_value_heads", ifMissing: false, compute: keyValueHeadsFromHeads)],
    ]
}
