// AutoConfig — `AutoConfig.from_pretrained(reference)`: config.json from a folder, the cache or the hub.

import Foundation

public enum AutoConfig {
    /// Load `config.json` of `reference` (a folder or a repo id), downloading it if needed and allowed;
    /// `kwargs` are applied as Python's keyword arguments are (`["num_labels": 3]`), unknown ones ignored.
    public static func fromPretrained(_ reference: String, revision: String? = nil, kwargs: JSONObject = [:],
                                      hub: Hub = Hub()) throws -> PretrainedConfig
    {
        let path = try hub.resolve(reference, file: "config.json", revision: revision)
        var config = try PretrainedConfig(contentsOf: path, nameOrPath: reference)
        try config.apply(kwargs: kwargs)
        return config
    }

    /// A default config for `model_type` (`AutoConfig.for_model("bert")`).
    public static func forModel(_ modelType: String) throws(ConfigError) -> PretrainedConfig {
        try PretrainedConfig(modelType: modelType)
    }
}
