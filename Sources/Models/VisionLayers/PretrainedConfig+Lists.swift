import Hub
import Tensors

// Vision configs carry per-stage lists (`depths`, `hidden_sizes`, `reassemble_factors`…) and older hub files omit
// fields whose defaults later versions added; these readers give the Python class defaults and name the field
// when a value has the wrong type.

extension PretrainedConfig {
    /// An integer list field, or `fallback` when the file omits it.
    func intList(_ key: String, default fallback: [Int]) throws -> [Int] {
        guard let value = self[key], !value.isNull else { return fallback }
        guard let items = value.arrayValue, case let numbers = items.compactMap(\.intValue), numbers.count == items.count else {
            throw ModelError.invalidConfig("\(key) must be a list of integers, found \(value.serialized())")
        }
        return numbers
    }

    /// A number list field, or `fallback` when the file omits it.
    func doubleList(_ key: String, default fallback: [Double]) throws -> [Double] {
        guard let value = self[key], !value.isNull else { return fallback }
        guard let items = value.arrayValue, case let numbers = items.compactMap(\.doubleValue), numbers.count == items.count else {
            throw ModelError.invalidConfig("\(key) must be a list of numbers, found \(value.serialized())")
        }
        return numbers
    }

    func intValue(_ key: String, default fallback: Int) -> Int { int(key) ?? fallback }
    func doubleValue(_ key: String, default fallback: Double) -> Double { double(key) ?? fallback }
    func boolValue(_ key: String, default fallback: Bool) -> Bool { bool(key) ?? fallback }
    func stringValue(_ key: String, default fallback: String) -> String { string(key) ?? fallback }
}

extension ModelInputs {
    /// The `pixel_values` a vision model needs, as [batch, channels, height, width].
    func requirePixelValues(channels: Int, model: String) throws -> Tensor {
        guard let pixels = pixelValues else {
            throw ModelError.invalidInput("\(model) needs pixel_values (the image processor's output)")
        }
        guard pixels.rank == 4, pixels.shape[1] == channels else {
            throw ModelError.invalidInput(
                "\(model): pixel_values must be [batch, \(channels), height, width], got \(pixels.shape)")
        }
        return pixels.dtype == .float32 ? pixels : pixels.to(.float32)
    }
}
