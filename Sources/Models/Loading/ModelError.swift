/// What can go wrong between a checkpoint folder and a running model, with messages that name the file, the
/// tensor and the fix.
public enum ModelError: Error, Sendable, CustomStringConvertible {
    case missingWeight(name: String, source: String)
    case weightShape(name: String, expected: [Int], found: [Int], source: String)
    case unknownModelType(String, known: [String])
    case unsupportedTask(modelType: String, task: String)
    case noWeightFiles(String)
    case invalidConfig(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .missingWeight(let name, let source):
            "\(source): the checkpoint has no tensor '\(name)' (is it a checkpoint of this architecture?)"
        case .weightShape(let name, let expected, let found, let source):
            "\(source): tensor '\(name)' has shape \(found), the config implies \(expected)"
        case .unknownModelType(let type, let known):
            "unknown model_type '\(type)'; supported: \(known.joined(separator: ", "))"
        case .unsupportedTask(let type, let task):
            "model_type '\(type)' has no \(task) head"
        case .noWeightFiles(let folder):
            "\(folder): no model.safetensors, model.safetensors.index.json or pytorch_model.bin"
        case .invalidConfig(let detail): "config: \(detail)"
        case .invalidInput(let detail): detail
        }
    }
}
