import Foundation
import Hub

// `GenerationConfig`, following transformers/generation/configuration_utils.py: the knobs of `generate`, loaded from
// `generation_config.json` (or the model config's generation fields), overridable per call, printed and saved with
// only the values that differ from the defaults.

/// When beam search may stop: `true` as soon as `num_beams` hypotheses are done, `false` by a heuristic, `never`
/// only when no better hypothesis is possible.
public enum EarlyStopping: Sendable, Equatable {
    case yes, no, never
}

public struct GenerationConfig: Sendable, Equatable, CustomStringConvertible {
    public var maxLength = 20
    public var maxNewTokens: Int?
    public var minLength = 0
    public var minNewTokens: Int?
    public var earlyStopping = EarlyStopping.no
    public var maxTime: Double?
    public var stopStrings: [String]?
    public var doSample = false
    public var numBeams = 1
    public var numBeamGroups = 1
    public var penaltyAlpha: Double?
    public var useCache = true
    public var temperature = 1.0
    public var topK = 50
    public var topP = 1.0
    public var minP: Double?
    public var typicalP = 1.0
    public var epsilonCutoff = 0.0
    public var etaCutoff = 0.0
    public var diversityPenalty = 0.0
    public var repetitionPenalty = 1.0
    public var lengthPenalty = 1.0
    public var noRepeatNgramSize = 0
    public var badWordsIds: [[Int]]?
    public var renormalizeLogits = false
    public var forcedBosTokenId: Int?
    public var forcedEosTokenId: [Int]?
    public var exponentialDecayLengthPenalty: (start: Int, factor: Double)?
    public var suppressTokens: [Int]?
    public var beginSuppressTokens: [Int]?
    public var sequenceBias: [(tokens: [Int], bias: Double)]?
    public var numReturnSequences = 1
    public var outputScores = false
    public var outputLogits = false
    public var returnDictInGenerate = false
    public var padTokenId: Int?
    public var bosTokenId: Int?
    public var eosTokenId: [Int]?

    public init() {}

    public static func == (a: GenerationConfig, b: GenerationConfig) -> Bool { a.toDiffDict() == b.toDiffDict() }

    // MARK: Loading

    /// From a `generation_config.json`-shaped dictionary; unknown keys are kept out (the reference stores them as
    /// attributes; none of them changes generation here).
    public init(dictionary: [String: Any]) throws {
        func int(_ key: String) -> Int? { (dictionary[key] as? NSNumber)?.intValue }
        func double(_ key: String) -> Double? { (dictionary[key] as? NSNumber)?.doubleValue }
        func bool(_ key: String) -> Bool? { (dictionary[key] as? NSNumber)?.boolValue }
        func ints(_ key: String) -> [Int]? {
            if let one = dictionary[key] as? NSNumber { return [one.intValue] }
            return (dictionary[key] as? [NSNumber])?.map(\.intValue)
        }
        if let v = int("max_length") { maxLength = v }
        maxNewTokens = int("max_new_tokens")
        if let v = int("min_length") { minLength = v }
        minNewTokens = int("min_new_tokens")
        if let s = dictionary["early_stopping"] as? String {
            guard s == "never" else { throw GenerationError.invalidConfig("early_stopping must be True, False or \"never\", got '\(s)'") }
            earlyStopping = .never
        } else if let b = bool("early_stopping") { earlyStopping = b ? .yes : .no }
        maxTime = double("max_time")
        stopStrings = (dictionary["stop_strings"] as? String).map { [$0] } ?? dictionary["stop_strings"] as? [String]
        if let v = bool("do_sample") { doSample = v }
        if let v = int("num_beams") { numBeams = v }
        if let v = int("num_beam_groups") { numBeamGroups = v }
        penaltyAlpha = double("penalty_alpha")
        if let v = bool("use_cache") { useCache = v }
        if let v = double("temperature") { temperature = v }
        if let v = int("top_k") { topK = v }
        if let v = double("top_p") { topP = v }
        minP = double("min_p")
        if let v = double("typical_p") { typicalP = v }
        if let v = double("epsilon_cutoff") { epsilonCutoff = v }
        if let v = double("eta_cutoff") { etaCutoff = v }
        if let v = double("diversity_penalty") { diversityPenalty = v }
        if let v = double("repetition_penalty") { repetitionPenalty = v }
        if let v = double("length_penalty") { lengthPenalty = v }
        if let v = int("no_repeat_ngram_size") { noRepeatNgramSize = v }
        badWordsIds = (dictionary["bad_words_ids"] as? [[NSNumber]])?.map { $0.map(\.intValue) }
        if let v = bool("renormalize_logits") { renormalizeLogits = v }
        forcedBosTokenId = int("forced_bos_token_id")
        forcedEosTokenId = ints("forced_eos_token_id")
        if let pair = dictionary["exponential_decay_length_penalty"] as? [NSNumber], pair.count == 2 {
            exponentialDecayLengthPenalty = (pair[0].intValue, pair[1].doubleValue)
        }
        suppressTokens = ints("suppress_tokens")
        beginSuppressTokens = ints("begin_suppress_tokens")
        if let pairs = dictionary["sequence_bias"] as? [[Any]] {
            sequenceBias = pairs.compactMap { pair in
                guard pair.count == 2, let tokens = pair[0] as? [NSNumber], let bias = pair[1] as? NSNumber else { return nil }
                return (tokens.map(\.intValue), bias.doubleValue)
            }
        }
        if let v = int("num_return_sequences") { numReturnSequences = v }
        if let v = bool("output_scores") { outputScores = v }
        if let v = bool("output_logits") { outputLogits = v }
        if let v = bool("return_dict_in_generate") { returnDictInGenerate = v }
        padTokenId = int("pad_token_id")
        bosTokenId = int("bos_token_id")
        eosTokenId = ints("eos_token_id")
    }

    /// `GenerationConfig.from_pretrained(folder, config_file_name=…)`.
    public static func fromPretrained(_ folder: URL, fileName: String = "generation_config.json") throws -> GenerationConfig {
        let url = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GenerationError.invalidConfig("no file named \(fileName) in \(folder.path)")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GenerationError.invalidConfig("\(url.path) is not a JSON object")
        }
        return try GenerationConfig(dictionary: object)
    }

    /// `GenerationConfig.from_model_config`: the special token ids a model config carries.
    public init(modelConfig: PretrainedConfig) {
        padTokenId = modelConfig.padTokenId
        bosTokenId = modelConfig.bosTokenId
        let eos = modelConfig.eosTokenIds
        eosTokenId = eos.isEmpty ? nil : eos
    }

    /// The model's generation defaults: its folder's generation_config.json when present, else its config's ids.
    public static func forModel(folder: URL?, config: PretrainedConfig) throws -> GenerationConfig {
        if let folder, FileManager.default.fileExists(atPath: folder.appendingPathComponent("generation_config.json").path) {
            return try fromPretrained(folder)
        }
        return GenerationConfig(modelConfig: config)
    }

    // MARK: Serialization

    /// Non-default values by their Python names (what `to_diff_dict` keeps), as JSON-ready values.
    public func toDiffDict() -> [String: AnyHashableJSON] {
        let d = GenerationConfig.defaults
        var out: [String: AnyHashableJSON] = [:]
        func put<T: Equatable>(_ key: String, _ value: T, _ base: T, _ json: (T) -> AnyHashableJSON) { if value != base { out[key] = json(value) } }
        put("max_length", maxLength, d.maxLength) { .int($0) }
        if let v = maxNewTokens { out["max_new_tokens"] = .int(v) }
        put("min_length", minLength, d.minLength) { .int($0) }
        if let v = minNewTokens { out["min_new_tokens"] = .int(v) }
        switch earlyStopping {
        case .yes: out["early_stopping"] = .bool(true)
        case .never: out["early_stopping"] = .string("never")
        case .no: break
        }
        if let v = maxTime { out["max_time"] = .double(v) }
        if let v = stopStrings { out["stop_strings"] = .array(v.map { .string($0) }) }
        put("do_sample", doSample, d.doSample) { .bool($0) }
        put("num_beams", numBeams, d.numBeams) { .int($0) }
        put("num_beam_groups", numBeamGroups, d.numBeamGroups) { .int($0) }
        if let v = penaltyAlpha { out["penalty_alpha"] = .double(v) }
        put("use_cache", useCache, d.useCache) { .bool($0) }
        put("temperature", temperature, d.temperature) { .double($0) }
        put("top_k", topK, d.topK) { .int($0) }
        put("top_p", topP, d.topP) { .double($0) }
        if let v = minP { out["min_p"] = .double(v) }
        put("typical_p", typicalP, d.typicalP) { .double($0) }
        put("epsilon_cutoff", epsilonCutoff, d.epsilonCutoff) { .double($0) }
        put("eta_cutoff", etaCutoff, d.etaCutoff) { .double($0) }
        put("diversity_penalty", diversityPenalty, d.diversityPenalty) { .double($0) }
        put("repetition_penalty", repetitionPenalty, d.repetitionPenalty) { .double($0) }
        put("length_penalty", lengthPenalty, d.lengthPenalty) { .double($0) }
        put("no_repeat_ngram_size", noRepeatNgramSize, d.noRepeatNgramSize) { .int($0) }
        if let v = badWordsIds { out["bad_words_ids"] = .array(v.map { .array($0.map { .int($0) }) }) }
        put("renormalize_logits", renormalizeLogits, d.renormalizeLogits) { .bool($0) }
        if let v = forcedBosTokenId { out["forced_bos_token_id"] = .int(v) }
        if let v = forcedEosTokenId { out["forced_eos_token_id"] = v.count == 1 ? .int(v[0]) : .array(v.map { .int($0) }) }
        if let v = exponentialDecayLengthPenalty { out["exponential_decay_length_penalty"] = .array([.int(v.start), .double(v.factor)]) }
        if let v = suppressTokens { out["suppress_tokens"] = .array(v.map { .int($0) }) }
        if let v = beginSuppressTokens { out["begin_suppress_tokens"] = .array(v.map { .int($0) }) }
        if let v = sequenceBias { out["sequence_bias"] = .array(v.map { .array([.array($0.tokens.map { .int($0) }), .double($0.bias)]) }) }
        put("num_return_sequences", numReturnSequences, d.numReturnSequences) { .int($0) }
        put("output_scores", outputScores, d.outputScores) { .bool($0) }
        put("output_logits", outputLogits, d.outputLogits) { .bool($0) }
        put("return_dict_in_generate", returnDictInGenerate, d.returnDictInGenerate) { .bool($0) }
        if let v = padTokenId { out["pad_token_id"] = .int(v) }
        if let v = bosTokenId { out["bos_token_id"] = .int(v) }
        if let v = eosTokenId { out["eos_token_id"] = v.count == 1 ? .int(v[0]) : .array(v.map { .int($0) }) }
        return out
    }

    static let defaults = GenerationConfig()

    /// `to_json_string()`: sorted keys, two-space indent, trailing newline.
    public func toJSONString() -> String {
        AnyHashableJSON.object(toDiffDict()).serialized(indent: 0) + "\n"
    }

    /// `print(generation_config)`: `GenerationConfig {…}` with only non-default values.
    public var description: String { "GenerationConfig " + toJSONString() }

    /// `save_pretrained(folder, config_file_name=…)`.
    public func save(to folder: URL, fileName: String = "generation_config.json") throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var dict = toDiffDict()
        dict["transformers_version"] = .string("4.55.4")
        try Data((AnyHashableJSON.object(dict).serialized(indent: 0) + "\n").utf8).write(to: folder.appendingPathComponent(fileName))
    }
}

/// A small JSON value for the config's serialized form (Python `json.dumps(indent=2, sort_keys=True)` layout).
public indirect enum AnyHashableJSON: Hashable, Sendable {
    case int(Int), double(Double), bool(Bool), string(String), array([AnyHashableJSON]), object([String: AnyHashableJSON])

    func serialized(indent level: Int) -> String {
        let pad = String(repeating: "  ", count: level + 1), closing = String(repeating: "  ", count: level)
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v == v.rounded() && abs(v) < 1e16 ? String(format: "%.1f", v) : "\(v)"
        case .bool(let v): return v ? "true" : "false"
        case .string(let v):
            let escaped = v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { pad + $0.serialized(indent: level + 1) }.joined(separator: ",\n") + "\n" + closing + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.keys.sorted().map { pad + "\"\($0)\": " + (members[$0]?.serialized(indent: level + 1) ?? "null") }
                .joined(separator: ",\n") + "\n" + closing + "}"
        }
    }
}

/// Errors of `generate`, worded as the reference words them.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m), .invalidInput(let m): return m
        }
    }
}
