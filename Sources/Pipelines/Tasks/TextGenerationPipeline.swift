// text-generation (reference transformers/pipelines/text_generation.py, 4.55): prompts or chats in, generated text
// out. The generation config is the pipeline's defaults (max_new_tokens=256, do_sample=True, temperature=0.7) under
// the model's own non-default values (`_prepare_generation_config(use_model_defaults=True)`), under each call's
// keyword arguments. Chats (lists of {"role", "content"}) go through the chat template and come back as the message
// list with the assistant's turn appended.
import Foundation
import Generation
import Hub
import Models
import Tensors
import Tokenizers

public struct TextGenerationPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer
    let decoder: any CausalLanguageModel
    /// What every call starts from.
    public let generationConfig: GenerationConfig

    /// Options the pipeline itself reads; every other keyword goes to `generate`.
    static let pipelineOptions: Set<String> = [
        "return_full_text", "return_text", "return_tensors", "clean_up_tokenization_spaces", "prefix", "add_special_tokens",
        "continue_final_message", "handle_long_generation", "truncation", "padding", "batch_size",
    ]

    init(components: PipelineComponents) throws {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
        guard let decoder = components.model as? any CausalLanguageModel else {
            throw PipelineError.invalidArgument("text-generation needs a causal language model, got model_type '\(components.model.config.modelType)'")
        }
        self.decoder = decoder
        generationConfig = Self.defaultConfig(model: components.model, tokenizer: components.tokenizer)
    }

    /// Pipeline defaults, overridden by the model's generation config where that differs from the global defaults.
    static func defaultConfig(model: any PretrainedModel, tokenizer: PreTrainedTokenizer) -> GenerationConfig {
        let modelConfig = (try? GenerationConfig.forModel(folder: modelFolder(model), config: model.config))
            ?? GenerationConfig(modelConfig: model.config)
        var config = modelConfig
        if modelConfig.maxNewTokens == nil { config.maxNewTokens = 256 }
        if !modelConfig.doSample { config.doSample = true }
        if modelConfig.temperature == 1 { config.temperature = 0.7 }
        // A model that sets max_length keeps it over the pipeline's length default.
        if config.maxNewTokens == 256, config.maxLength != 20 { config.maxNewTokens = nil }
        if config.padTokenId == nil, let pad = tokenizer.padToken { config.padTokenId = tokenizer.backend.tokenToId(pad) }
        return config
    }

    /// The model's folder (a local path, or the cached snapshot of a repo id; never the network).
    public static func modelFolder(_ model: any PretrainedModel) -> URL? {
        let reference = model.config.nameOrPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: reference)
        }
        return (try? Hub().snapshotFolder(reference)) ?? nil
    }

    // MARK: Call

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        var generateKwargs: [String: Any] = [:]
        for (key, value) in options.values where !Self.pipelineOptions.contains(key) {
            guard GenerationConfig.knownKeys.contains(key) else {
                throw PipelineError.invalidArgument("text-generation: unexpected keyword argument '\(key)' (not a generation parameter)")
            }
            generateKwargs[key] = value.foundationValue
        }
        let config = try generationConfig.updated(with: generateKwargs)
        let returnFullText = try options.bool("return_full_text") ?? true
        let cleanUp = try options.bool("clean_up_tokenization_spaces") ?? true
        let prefix = try options.string("prefix") ?? ""
        let addSpecialTokens = try options.bool("add_special_tokens")

        let (items, isBatch): ([PipelineValue], Bool)
        if Self.isChat(inputs) {
            (items, isBatch) = ([inputs], false)
        } else {
            (items, isBatch) = inputs.pipelineItems
        }
        let results = try items.map { item -> PipelineValue in
            try generate(item, config: config, returnFullText: returnFullText, cleanUp: cleanUp, prefix: prefix,
                         addSpecialTokens: addSpecialTokens, continueFinal: try options.bool("continue_final_message"))
        }
        return isBatch ? .list(results) : results[0]
    }

    /// A chat: a list of dicts with "role" and "content".
    static func isChat(_ value: PipelineValue) -> Bool {
        guard let list = value.list, let first = list.first else { return false }
        return first["role"] != nil && first["content"] != nil
    }

    func generate(_ item: PipelineValue, config: GenerationConfig, returnFullText: Bool, cleanUp: Bool, prefix: String,
                  addSpecialTokens: Bool?, continueFinal: Bool?) throws -> PipelineValue {
        let ids: [Int]
        let chat = Self.isChat(item) ? item.list : nil
        var continueFinalMessage = false
        if let chat {
            let messages = try chat.map { message -> [String: JSONValue] in
                guard case .dict(let pairs) = message else { throw PipelineError.invalidInput("a chat message must be a dict") }
                return Dictionary(pairs.map { ($0.0, $0.1.tokenizerJSON) }, uniquingKeysWith: { $1 })
            }
            continueFinalMessage = continueFinal ?? (chat.last?["role"]?.string == "assistant")
            guard case .text(var rendered) = try tokenizer.applyChatTemplate(
                messages: messages, addGenerationPrompt: !continueFinalMessage, tokenize: false) else {
                throw PipelineError.invalidInput("the chat template returned no text")
            }
            if continueFinalMessage { rendered = try Self.cutAfterFinalMessage(rendered, final: chat.last?["content"]?.string ?? "") }
            let chatIds = try tokenizer.encode(rendered, addSpecialTokens: false)
            ids = chatIds
        } else {
            ids = try tokenizer.encode(prefix + item.requireString("text-generation input"), addSpecialTokens: addSpecialTokens ?? true)
        }
        let output = try Generation.generate(model: decoder, GenerationRequest(inputIds: [ids], config: config, seed: Self.drawSeed()))
        let promptText = try tokenizer.decode(ids, skipSpecialTokens: true, cleanUpTokenizationSpaces: cleanUp)
        let records = try output.sequences.map { sequence -> PipelineValue in
            let text = try tokenizer.decode(sequence, skipSpecialTokens: true, cleanUpTokenizationSpaces: cleanUp)
            // The reference cuts by the decoded prompt's length in characters (Python str indices = scalars).
            let scalars = Array(text.unicodeScalars)
            let promptLength = promptText.unicodeScalars.count
            var newText = String(String.UnicodeScalarView(scalars.dropFirst(Swift.min(promptLength, scalars.count))))
            guard returnFullText else { return .dict([("generated_text", .string(newText))]) }
            if let chat {
                var messages = chat
                if continueFinalMessage, case .dict(var last)? = messages.last {
                    newText = (last.first { $0.0 == "content" }?.1.string ?? "") + newText
                    last = last.map { $0.0 == "content" ? ($0.0, .string(newText)) : $0 }
                    messages[messages.count - 1] = .dict(last)
                } else {
                    messages.append(.dict([("role", .string("assistant")), ("content", .string(newText))]))
                }
                return .dict([("generated_text", .list(messages))])
            }
            return .dict([("generated_text", .string(try item.requireString("input") + newText))])
        }
        return .list(records)
    }

    /// `apply_chat_template(continue_final_message=True)`: the rendered chat ends right after the final message's
    /// text (its end-of-turn tokens removed), so the model continues that message.
    static func cutAfterFinalMessage(_ rendered: String, final: String) throws -> String {
        let stripped = final.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let range = rendered.range(of: stripped, options: .backwards) else {
            throw PipelineError.invalidInput("continue_final_message is set but the final message does not appear in the chat after applying the chat template! This can happen if the chat template deletes portions of the final message. Please verify the chat template and final message in your chat to ensure they are compatible.")
        }
        let leading = final.drop { $0.isWhitespace || $0.isNewline }
        let start = range.lowerBound
        // The reference compares the whole message with a slice as long as its left-stripped form.
        if leading.count == final.count, rendered[start...].hasPrefix(final) {
            return String(rendered[..<(rendered.index(start, offsetBy: leading.count))])
        }
        return String(rendered[..<range.upperBound])
    }

    /// Sampling draws its seed from the default generator, so `set_seed` makes pipeline calls reproducible.
    public static func drawSeed() throws -> UInt64 {
        let bits = try Tensor.rand([2]).contiguous().floats().map { UInt64($0.bitPattern) }
        return bits[0] << 32 | bits[1]
    }
}

extension PipelineValue {
    /// The Foundation form `GenerationConfig(dictionary:)` reads.
    var foundationValue: Any {
        switch self {
        case .none: return NSNull()
        case .bool(let b): return NSNumber(value: b)
        case .int(let i): return NSNumber(value: i)
        case .double(let d): return NSNumber(value: d)
        case .string(let s): return s
        case .list(let items): return items.map(\.foundationValue)
        case .dict(let pairs): return Dictionary(pairs.map { ($0.0, $0.1.foundationValue) }, uniquingKeysWith: { $1 })
        // Images and tensors are never generation parameters: they read as null, which the config rejects by name.
        case .image, .tensor: return NSNull()
        }
    }

    /// Chat message fields as the tokenizer's template variables.
    var tokenizerJSON: JSONValue {
        switch self {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(\.tokenizerJSON))
        case .dict(let pairs): return .object(JSONObject(pairs.map { ($0.0, $0.1.tokenizerJSON) }))
        // Chat templates see text; an image or tensor in a message has no JSON form here.
        case .image, .tensor: return .null
        }
    }
}
