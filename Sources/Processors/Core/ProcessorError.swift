/// Why a processor could not be loaded or could not process its inputs; messages name the file, key or image.
public enum ProcessorError: Error, Sendable, CustomStringConvertible {
    /// A preprocessor_config.json value has the wrong type or an impossible value.
    case invalidConfig(String)
    /// An argument of a call (`size=`, `images=`, `text=`) is unusable.
    case invalidArgument(String)
    /// No image processor or processor class is known for what the folder's files name.
    case unknownProcessor(String, known: [String])
    /// A file the processor needs is missing from the model folder.
    case missingFile(String)

    public var description: String {
        switch self {
        case .invalidConfig(let message), .invalidArgument(let message), .missingFile(let message): message
        case .unknownProcessor(let name, let known):
            "Unrecognized image processor '\(name)'; known: \(known.joined(separator: ", "))"
        }
    }
}
