// PretrainedConfig — config.json as `transformers.PretrainedConfig` holds it.
//
// The whole document is kept (ordered), merged with the defaults of the class named by `model_type`
// as the Python `__init__` would set them, so that `print(config)` and `save(to:)` write exactly what
// `print(config)` / `save_pretrained` write in Python (the "diff" against the defaults, sorted keys,
// 2-space indent, `transformers_version`). Typed accessors cover the fields models read; everything
// else is reachable by name through the subscript.

import Foundation

public struct PretrainedConfig: Sendable, Equatable, CustomStringConvertible {
    /// Every attribute, as `config.__dict__` would hold it (stored names: GPT-2's `n_embd`, not `hidden_size`).
    /// `id2label` keys are decimal strings here; Python has ints, which print the same.
    public private(set) var values: JSONObject
    /// The `model_type` of the class this config follows (`bert`), or the file's own value when the type is
    /// not in the defaults table.
    public let modelType: String
    /// `BertConfig`, … (`PretrainedConfig` for model types without a table entry).
    public let className: String
    /// Where the config came from (Python's `_name_or_path`); never printed or saved, as in Python.
    public var nameOrPath: String

    /// The transformers version whose behaviour this follows, written as `transformers_version`.
    public static let transformersVersion = ConfigDefaults.referenceTransformersVersion

    private let attributeMap: [String: String]

    // MARK: - Building

    /// Build from the parsed config.json (`cls(**config_dict)`).
    public init(_ json: JSONObject, nameOrPath: String = "") {
        let fileModelType = json["model_type"]?.stringValue ?? ""
        let entry = ConfigDefaults.byModelType[fileModelType]
        modelType = fileModelType
        className = entry?.className ?? "PretrainedConfig"
        attributeMap = entry?.attributeMap ?? [:]
        self.nameOrPath = nameOrPath

        var values = ConfigDefaults.base
        if let entry { values.merge(entry.defaults) }
        let hasLabels = json.contains("id2label")
        for (key, value) in json {
            switch key {
            case "transformers_version", "attn_implementation", "_commit_hash", "num_labels":
                continue  // popped by `__init__` (num_labels is handled below)
            case "id2label":
                values["id2label"] = Self.normalizedIntegerKeys(value)
                if !json.contains("label2id") { values["label2id"] = .null }
            case "pruned_heads":
                values["pruned_heads"] = Self.normalizedIntegerKeys(value)
            default:
                values[attributeMap[key] ?? key] = value
            }
        }
        if !hasLabels, let count = json["num_labels"]?.intValue {
            let (id2label, label2id) = Self.defaultLabelMaps(count)
            values["id2label"] = id2label
            values["label2id"] = label2id
        }
        for rule in ConfigDefaults.derived[fileModelType] ?? [] {
            let current = json[rule.key]
            if current == .null || (current == nil && rule.ifMissing), let computed = rule.compute(values) {
                values[rule.key] = computed
            }
        }
        values["model_type"] = .string(fileModelType)
        self.values = values
    }

    /// Parse config.json at `url`.
    public init(contentsOf url: URL, nameOrPath: String? = nil) throws {
        let json = try JSONValue(contentsOf: url)
        guard let object = json.objectValue else {
            throw ConfigError.notAnObject(path: url.path, found: json.typeName)
        }
        self.init(object, nameOrPath: nameOrPath ?? url.deletingLastPathComponent().path)
    }

    /// A default config of a model type (`BertConfig()`), for building models from scratch.
    public init(modelType: String) throws(ConfigError) {
        guard ConfigDefaults.byModelType[modelType] != nil else {
            throw .unknownModelType(modelType, known: ConfigDefaults.byModelType.keys.sorted())
        }
        self.init(["model_type": .string(modelType)])
    }

    /// `_create_id_label_maps`: `LABEL_0`… for `num_labels` classes.
    static func defaultLabelMaps(_ count: Int) -> (JSONValue, JSONValue) {
        var id2label = JSONObject()
        var label2id = JSONObject()
        for index in 0..<max(count, 0) {
            id2label[String(index)] = .string("LABEL_\(index)")
            label2id["LABEL_\(index)"] = .int(index)
        }
        return (.object(id2label), .object(label2id))
    }

    /// Python turns JSON's string keys into ints (`{int(k): v}`): "01" becomes 1.
    private static func normalizedIntegerKeys(_ value: JSONValue) -> JSONValue {
        guard let object = value.objectValue else { return value }
        var result = JSONObject()
        for (key, item) in object {
            result[Int(key.trimmingCharacters(in: .whitespaces)).map(String.init) ?? key] = item
        }
        return .object(result)
    }

    // MARK: - Access by name

    /// An attribute by its Python name (through the class's `attribute_map`); setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get { values[attributeMap[key] ?? key] }
        set {
            let stored = attributeMap[key] ?? key
            if stored == "id2label" || stored == "pruned_heads", let newValue {
                values[stored] = Self.normalizedIntegerKeys(newValue)
            } else {
                values[stored] = newValue
            }
        }
    }

    public func contains(_ key: String) -> Bool { values.contains(attributeMap[key] ?? key) }

    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }
    public func string(_ key: String) -> String? { self[key]?.stringValue }
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }

    /// An integer field a model cannot do without; the error names the field and the file.
    public func requireInt(_ key: String) throws(ConfigError) -> Int {
        guard let value = self[key], !value.isNull else { throw .missingField(key, config: nameOrPath) }
        guard let number = value.intValue else {
            throw .wrongType(key, expected: "an integer", found: value.serialized(), config: nameOrPath)
        }
        return number
    }

    public func requireDouble(_ key: String) throws(ConfigError) -> Double {
        guard let value = self[key], !value.isNull else { throw .missingField(key, config: nameOrPath) }
        guard let number = value.doubleValue else {
            throw .wrongType(key, expected: "a number", found: value.serialized(), config: nameOrPath)
        }
        return number
    }

    // MARK: - Updating

    /// `config.update(dict)`: set every key (new keys too).
    public mutating func update(_ changes: JSONObject) {
        for (key, value) in changes { self[key] = value }
    }

    /// Keyword arguments of `from_pretrained(name, num_labels=3, …)`, applied as `PretrainedConfig.from_dict`
    /// does: `num_labels` through its setter, existing attributes set, the rest returned unused (Python hands
    /// those to the model's constructor).
    @discardableResult
    public mutating func apply(kwargs: JSONObject) throws(ConfigError) -> [String] {
        if let count = kwargs["num_labels"]?.intValue, let labels = kwargs["id2label"], !labels.isNull,
            labels.objectValue?.count != count
        {
            throw .inconsistentLabels(numLabels: count, id2label: labels.serialized())
        }
        var unused: [String] = []
        for (key, value) in kwargs {
            if key == "num_labels", let count = value.intValue {
                numLabels = count
            } else if contains(key) {
                self[key] = value
            } else {
                unused.append(key)
            }
        }
        return unused
    }

    public static func == (lhs: PretrainedConfig, rhs: PretrainedConfig) -> Bool {
        lhs.values == rhs.values && lhs.modelType == rhs.modelType
    }
}

/// Why a config cannot be used.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject(path: String, found: String)
    case missingField(String, config: String)
    case wrongType(String, expected: String, found: String, config: String)
    case unknownModelType(String, known: [String])
    case inconsistentLabels(numLabels: Int, id2label: String)

    public var description: String {
        switch self {
        case .notAnObject(let path, let found):
            return "\(path): a config must be a JSON object, found \(found)"
        case .missingField(let key, let config):
            return "config\(config.isEmpty ? "" : " of \(config)"): '\(key)' is missing"
        case .wrongType(let key, let expected, let found, let config):
            return "config\(config.isEmpty ? "" : " of \(config)"): '\(key)' must be \(expected), found \(found)"
        case .inconsistentLabels(let count, let labels):
            return "num_labels=\(count) does not match id2label \(labels); pass only one of them"
        case .unknownModelType(let type, let known):
            return "unknown model_type '\(type)' (known: \(known.joined(separator: ", ")))"
        }
    }
}
