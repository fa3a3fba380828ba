import Foundation
import Hub
import Media

/// The values of a `preprocessor_config.json` (plus call-time overrides), read with the reference's types.
/// Each processor supplies its class defaults; the file's values win over them and keyword arguments of a call
/// win over the file, as `image_processor(images, size=…)` does in Python.
public struct ImageProcessorConfig: Sendable, Equatable {
    /// The merged values in file order (defaults first for keys the file lacks).
    public private(set) var values: JSONObject

    public init(_ values: JSONObject = [:]) { self.values = values }

    /// Reads `preprocessor_config.json` (or any JSON file of that shape).
    public init(contentsOf url: URL) throws {
        let json = try JSONValue(contentsOf: url)
        guard let object = json.objectValue else {
            throw ProcessorError.invalidConfig("\(url.path): expected a JSON object, got \(json.typeName)")
        }
        self.init(object)
    }

    /// `self` with `defaults` filled in where the file has no value.
    public func withDefaults(_ defaults: JSONObject) -> ImageProcessorConfig {
        var merged = defaults
        for (key, value) in values { merged[key] = value }
        return ImageProcessorConfig(merged)
    }

    /// `self` with `overrides` (call keyword arguments) replacing stored values; `None` values are ignored, as
    /// the reference's `x if x is not None else self.x`.
    public func overriding(_ overrides: JSONObject) -> ImageProcessorConfig {
        var merged = values
        for (key, value) in overrides where !value.isNull { merged[key] = value }
        return ImageProcessorConfig(merged)
    }

    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    // MARK: Typed access

    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = values[key], !value.isNull else { return fallback }
        guard let b = value.boolValue else { throw ProcessorError.invalidConfig("\(key) must be true or false, got \(value)") }
        return b
    }

    public func int(_ key: String) throws -> Int? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let n = value.intValue else { throw ProcessorError.invalidConfig("\(key) must be an integer, got \(value)") }
        return n
    }

    public func double(_ key: String, default fallback: Double) throws -> Double {
        guard let value = values[key], !value.isNull else { return fallback }
        guard let d = value.doubleValue else { throw ProcessorError.invalidConfig("\(key) must be a number, got \(value)") }
        return d
    }

    public func string(_ key: String) -> String? { values[key]?.stringValue }

    /// `image_mean` / `image_std`: a list of per-channel numbers, or one number for every channel.
    public func channelValues(_ key: String, default fallback: [Double]) throws -> [Double] {
        guard let value = values[key], !value.isNull else { return fallback }
        if let d = value.doubleValue { return [d] }
        guard let items = value.arrayValue else { throw ProcessorError.invalidConfig("\(key) must be a list of numbers, got \(value)") }
        return try items.map {
            guard let d = $0.doubleValue else { throw ProcessorError.invalidConfig("\(key) must hold numbers, got \($0)") }
            return d
        }
    }

    /// A size dict (`size`, `crop_size`), or nil when absent.
    public func size(_ key: String, defaultToSquare: Bool) throws -> SizeDict? {
        guard let value = values[key], !value.isNull else { return nil }
        return try SizeDict(value, defaultToSquare: defaultToSquare, name: key)
    }

    /// `resample`: Pillow's filter constant (0 nearest … 5 hamming).
    public func resampling(default fallback: Resampling) throws -> Resampling {
        guard let value = values[key: "resample"] else { return fallback }
        guard let n = value.intValue, let filter = Resampling(rawValue: n) else {
            throw ProcessorError.invalidConfig("resample must be a PIL resampling filter (0…5), got \(value)")
        }
        return filter
    }
}

private extension JSONObject {
    subscript(key key: String) -> JSONValue? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }
}
