/// Why a pipeline call failed; messages name the argument or input and what would fix it.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case unknownTask(String, known: [String])
    case invalidArgument(String)
    case invalidInput(String)
    case modelOutputMissing(String)

    public var description: String {
        switch self {
        case .unknownTask(let task, let known):
            return "Unknown task \(task), available tasks are \(known.map { "'\($0)'" }.joined(separator: ", "))"
        case .invalidArgument(let message), .invalidInput(let message): return message
        case .modelOutputMissing(let field): return "the model returned no '\(field)' output for this pipeline"
        }
    }
}
