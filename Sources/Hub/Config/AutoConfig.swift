// AutoConfig — `AutoConfig.from_pretrained(reference)`: config.json from a folder, the cache or the hub.

import Foundation

public enum AutoConfig {
    /// Load `config.json` of `reference` (a folder or a repo id), downloading it if needed and allowed.
    public static func fromPretrained(_ reference: String, revision: String? = nil,
                                      hub: Hub = Hub()) throws -> PretrainedConfig
    {
        let path = try hub.resolve(reference, file: "config.json", revision: revision)
        return try PretrainedConfig(contentsOf: path, nameOrPath: reference)
    }

    /// A default config for `model_type` (`AutoConfig.for_model("bert")`).
    public static func forModel(_ modelType: String) throws(ConfigError) -> PretrainedConfig {
        try PretrainedConfig(modelType: modelType)
    }
}
