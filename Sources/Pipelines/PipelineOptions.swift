/// A call's keyword arguments (`top_k=3`, `aggregation_strategy="simple"`), read with the reference's types and
/// rejected by name when a task does not know them (Python raises `TypeError: unexpected keyword argument`).
public struct PipelineOptions: Sendable {
    public var values: [String: PipelineValue]

    public init(_ values: [String: PipelineValue] = [:]) { self.values = values }

    public func has(_ key: String) -> Bool { values[key] != nil }

    /// Throws for keys outside `known` (plus `batch_size`, which every task accepts).
    func check(task: String, known: [String]) throws {
        for key in values.keys.sorted() where key != "batch_size" && !known.contains(key) {
            throw PipelineError.invalidArgument(
                "\(task): unexpected keyword argument '\(key)' (accepted: \((known + ["batch_size"]).joined(separator: ", ")))")
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = values[key], value != .none else { return nil }
        guard let i = value.int else { throw PipelineError.invalidArgument("\(key) must be an integer, got \(value)") }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = values[key], value != .none else { return nil }
        guard let b = value.bool else { throw PipelineError.invalidArgument("\(key) must be True or False, got \(value)") }
        return b
    }

    func string(_ key: String) throws -> String? {
        guard let value = values[key], value != .none else { return nil }
        guard let s = value.string else { throw PipelineError.invalidArgument("\(key) must be a string, got \(value)") }
        return s
    }

    /// A string or a list of strings (`targets`, `candidate_labels`, `ignore_labels`).
    func strings(_ key: String) throws -> [String]? {
        guard let value = values[key], value != .none else { return nil }
        if let s = value.string { return [s] }
        if let list = value.list {
            return try list.map {
                guard let s = $0.string else { throw PipelineError.invalidArgument("\(key) must hold strings, got \($0)") }
                return s
            }
        }
        throw PipelineError.invalidArgument("\(key) must be a string or a list of strings, got \(value)")
    }

    /// `batch_size`: how many model inputs run in one forward pass (1 when absent, as the reference).
    func batchSize() throws -> Int {
        let size = try int("batch_size") ?? 1
        guard size >= 1 else { throw PipelineError.invalidArgument("batch_size must be ≥ 1, got \(size)") }
        return size
    }
}
