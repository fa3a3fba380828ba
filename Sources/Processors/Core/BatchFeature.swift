import Tensors

/// What a processor returns, as Python's `BatchFeature` / `BatchEncoding`: named fields in the reference's order
/// (`input_ids`, `attention_mask`, `pixel_values`). Images stay per-image arrays until a tensor is asked for, so
/// images of different sizes can still be returned as a list (`return_tensors=None`).
public struct BatchFeature: Sendable {
    public enum Field: Sendable {
        /// One processed image per input, each [channels, height, width].
        case images([PixelArray])
        /// Token ids or masks, one row per text (rows may differ in length without padding).
        case integers([[Int]])
        case tensor(Tensor)
    }

    public private(set) var fields: [(name: String, value: Field)] = []
    /// `data_format="channels_last"`: images become [batch, height, width, channels] tensors.
    public var channelsLast = false

    public init() {}

    public mutating func set(_ name: String, _ value: Field) {
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index].value = value
        } else {
            fields.append((name, value))
        }
    }

    public subscript(name: String) -> Field? { fields.first { $0.name == name }?.value }

    public var names: [String] { fields.map(\.name) }

    /// The processed images of `pixel_values`.
    public var pixelValues: [PixelArray]? {
        if case .images(let images)? = self["pixel_values"] { return images }
        return nil
    }

    /// Field `name` as a tensor: images stacked into [batch, channels, height, width] (float32), integer rows into
    /// [batch, length] (int64). Throws when the rows differ in size, as the reference does for `return_tensors="pt"`.
    public func tensor(_ name: String) throws -> Tensor {
        guard let field = self[name] else {
            throw ProcessorError.invalidArgument("the processor output has no '\(name)' (it has \(names.joined(separator: ", ")))")
        }
        switch field {
        case .tensor(let t): return t
        case .images(let images): return try Self.stack(images, channelsLast: channelsLast)
        case .integers(let rows):
            let length = rows.first?.count ?? 0
            guard rows.allSatisfy({ $0.count == length }) else {
                throw ProcessorError.invalidArgument(
                    "Unable to create tensor for '\(name)': the rows have different lengths; use padding=True to pad them to the same length")
            }
            return try Tensor(rows.flatMap { $0.map(Int64.init) }, shape: [rows.count, length])
        }
    }

    /// Every field as a tensor, in order (what `return_tensors="pt"` gives).
    public func tensors() throws -> [(name: String, tensor: Tensor)] {
        try fields.map { ($0.name, try tensor($0.name)) }
    }

    static func stack(_ images: [PixelArray], channelsLast: Bool) throws -> Tensor {
        guard let first = images.first else { return Tensor.zeros([0]) }
        guard images.allSatisfy({ $0.shape == first.shape }) else {
            let shapes = images.map { "\($0.shape)" }.joined(separator: ", ")
            throw ProcessorError.invalidArgument(
                "Unable to create tensor for 'pixel_values': the images have different shapes (\(shapes)); resize them to one size")
        }
        var values = [Float]()
        values.reserveCapacity(images.count * first.values.count)
        for image in images { values.append(contentsOf: image.values) }
        let stacked = try Tensor(values, shape: [images.count] + first.shape)
        return channelsLast ? try stacked.permute([0, 2, 3, 1]).contiguous() : stacked
    }
}
