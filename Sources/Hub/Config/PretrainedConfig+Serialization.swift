// PretrainedConfig+Serialization — `to_dict`, `to_diff_dict`, `to_json_string`, `save_pretrained`.

import Foundation

extension PretrainedConfig {
    /// `to_dict()`: every attribute, with `model_type` and `transformers_version` set.
    public func toDict() -> JSONObject {
        var result = values
        result["transformers_version"] = .string(Self.transformersVersion)
        result["model_type"] = .string(modelType)
        result["_name_or_path"] = .string(nameOrPath)
        return result
    }

    /// `to_diff_dict()`: what differs from a bare `PretrainedConfig()` or from the class defaults, plus
    /// keys the base class does not have and `transformers_version`; never `_name_or_path`.
    public func toDiffDict() -> JSONObject {
        let base = ConfigDefaults.base
        var classDefaults = base
        if let entry = ConfigDefaults.byModelType[modelType] { classDefaults.merge(entry.defaults) }
        var result = JSONObject()
        for (key, value) in toDict() {
            guard key != "_name_or_path" else { continue }
            if key == "transformers_version" || key == "vocab_file" {
                result[key] = value
                continue
            }
            guard let baseValue = base[key] else {
                result[key] = value
                continue
            }
            let classValue = classDefaults[key] ?? value
            if !Self.pythonEqual(value, baseValue) || !Self.pythonEqual(value, classValue) {
                result[key] = value
            }
        }
        return result
    }

    /// `to_json_string(use_diff)`: `json.dumps(…, indent=2, sort_keys=True) + "\n"`.
    public func toJSONString(useDiff: Bool = true) -> String {
        let object = useDiff ? toDiffDict() : toDict()
        return JSONValue.object(object).serialized(Self.formatting) + "\n"
    }

    /// `print(config)` in Python: `BertConfig {…}`.
    public var description: String { "\(className) \(toJSONString())" }

    /// `save_pretrained(directory)`: writes `config.json` (the diff, as Python does), creating the folder.
    public func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("config.json")
        try Data(toJSONString().utf8).write(to: file, options: .atomic)
    }

    static let formatting = JSONFormatting(indent: 2, sortKeys: true, ensureASCII: true,
                                           integerKeyedMembers: ["id2label", "pruned_heads"])

    /// Python's `==` on JSON-loaded values: `1 == 1.0 == True`, dicts ignore order.
    static func pythonEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { pythonEqual($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { pythonEqual(value, $0) } ?? false }
        default:
            guard let a = numeric(lhs), let b = numeric(rhs) else { return false }
            return a == b
        }
    }

    private static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}
