import Hub

/// The `size` / `crop_size` dictionaries of image processor configs (`{"shortest_edge": 224}`,
/// `{"height": 224, "width": 224}`, …), with the reference's conversion of legacy ints and lists
/// (`get_size_dict` in transformers/image_processing_utils.py).
public struct SizeDict: Sendable, Equatable, CustomStringConvertible {
    public var height: Int?
    public var width: Int?
    public var shortestEdge: Int?
    public var longestEdge: Int?
    public var maxHeight: Int?
    public var maxWidth: Int?

    public init(height: Int? = nil, width: Int? = nil, shortestEdge: Int? = nil, longestEdge: Int? = nil,
                maxHeight: Int? = nil, maxWidth: Int? = nil) {
        self.height = height
        self.width = width
        self.shortestEdge = shortestEdge
        self.longestEdge = longestEdge
        self.maxHeight = maxHeight
        self.maxWidth = maxWidth
    }

    /// Reads a config value: a dict as is; an int is a square when `defaultToSquare`, else the shortest edge;
    /// a two-element list is (height, width).
    public init(_ value: JSONValue, defaultToSquare: Bool, name: String = "size") throws {
        switch value {
        case .int(let n):
            self = defaultToSquare ? SizeDict(height: n, width: n) : SizeDict(shortestEdge: n)
        case .array(let items) where items.count == 2:
            guard let h = items[0].intValue, let w = items[1].intValue else {
                throw ProcessorError.invalidConfig("\(name) must hold two integers, got \(value)")
            }
            self = SizeDict(height: h, width: w)
        case .object(let object):
            func int(_ key: String) throws -> Int? {
                guard let v = object[key], !v.isNull else { return nil }
                guard let n = v.intValue else { throw ProcessorError.invalidConfig("\(name)[\"\(key)\"] must be an integer, got \(v)") }
                return n
            }
            self = SizeDict(height: try int("height"), width: try int("width"), shortestEdge: try int("shortest_edge"),
                            longestEdge: try int("longest_edge"), maxHeight: try int("max_height"), maxWidth: try int("max_width"))
            guard isValid else {
                throw ProcessorError.invalidConfig(
                    "\(name) must have one of the following set of keys: {height, width}, {shortest_edge}, {shortest_edge, longest_edge}, {longest_edge}, {max_height, max_width}; got \(object.keys)")
            }
        default:
            throw ProcessorError.invalidConfig("\(name) must be an integer, a [height, width] list or a dict, got \(value)")
        }
    }

    /// The key sets the reference accepts (`VALID_SIZE_DICT_KEYS`).
    public var isValid: Bool {
        let keys = (height != nil ? 1 : 0) | (width != nil ? 2 : 0) | (shortestEdge != nil ? 4 : 0)
            | (longestEdge != nil ? 8 : 0) | (maxHeight != nil ? 16 : 0) | (maxWidth != nil ? 32 : 0)
        return [3, 4, 12, 8, 48].contains(keys)
    }

    /// The (height, width) `resize` produces for an image of `height`×`width`: `height`/`width` exactly, or the
    /// shortest edge scaled to `shortest_edge` keeping the aspect ratio (long side truncated, as
    /// `get_resize_output_image_size(default_to_square=False, max_size=longest_edge)`).
    public func outputSize(height imageHeight: Int, width imageWidth: Int) throws -> (height: Int, width: Int) {
        if let height, let width { return (height, width) }
        if let shortestEdge {
            let (short, long) = imageWidth <= imageHeight ? (imageWidth, imageHeight) : (imageHeight, imageWidth)
            var newShort = shortestEdge
            var newLong = Int(Double(shortestEdge) * Double(long) / Double(short))
            if let maxSize = longestEdge {
                guard maxSize > shortestEdge else {
                    throw ProcessorError.invalidArgument(
                        "max_size = \(maxSize) must be strictly greater than the requested size for the smaller edge size = \(shortestEdge)")
                }
                if newLong > maxSize {
                    newShort = Int(Double(maxSize) * Double(newShort) / Double(newLong))
                    newLong = maxSize
                }
            }
            return imageWidth <= imageHeight ? (newLong, newShort) : (newShort, newLong)
        }
        throw ProcessorError.invalidArgument("Size must contain either 'shortest_edge' or 'height' and 'width', got \(self)")
    }

    /// Python's dict repr, as the reference prints it in processor reprs.
    public var description: String {
        var parts: [String] = []
        if let height { parts.append("'height': \(height)") }
        if let width { parts.append("'width': \(width)") }
        if let shortestEdge { parts.append("'shortest_edge': \(shortestEdge)") }
        if let longestEdge { parts.append("'longest_edge': \(longestEdge)") }
        if let maxHeight { parts.append("'max_height': \(maxHeight)") }
        if let maxWidth { parts.append("'max_width': \(maxWidth)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// The dict as JSON, for writing a config back.
    public var json: JSONValue {
        var object = JSONObject()
        if let height { object["height"] = .int(height) }
        if let width { object["width"] = .int(width) }
        if let shortestEdge { object["shortest_edge"] = .int(shortestEdge) }
        if let longestEdge { object["longest_edge"] = .int(longestEdge) }
        if let maxHeight { object["max_height"] = .int(maxHeight) }
        if let maxWidth { object["max_width"] = .int(maxWidth) }
        return .object(object)
    }
}
