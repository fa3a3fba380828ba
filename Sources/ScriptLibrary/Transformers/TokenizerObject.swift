import Script
import Tensors
import Hub
import Tokenizers

/// `AutoTokenizer.from_pretrained(…)`: callable like Python's fast tokenizers, returning a `BatchEncoding`.
final class TokenizerObject: ScriptObject {
    var tokenizer: PreTrainedTokenizer

    init(_ tokenizer: PreTrainedTokenizer) { self.tokenizer = tokenizer }

    var className: String {
        let configured = tokenizer.config["tokenizer_class"]?.stringValue ?? "PreTrainedTokenizerFast"
        return configured.hasSuffix("Fast") ? configured : configured + "Fast"
    }
    var typeName: String { className }

    /// `model_input_names`: token type ids only for the tokenizer classes that return them (BERT-style).
    var returnsTokenTypes: Bool {
        let withoutTypes = ["GPT2", "Roberta", "XLMRoberta", "DistilBert", "Llama", "Qwen2", "GPTNeoX", "Bloom", "CodeGen",
                            "Bart", "T5", "Whisper", "CLIP", "Gemma", "Mistral", "Falcon"]
        return !withoutTypes.contains { className.hasPrefix($0) }
    }

    func repr(in interp: Interpreter) throws -> String {
        "\(className)(name_or_path='', vocab_size=\(tokenizer.backend.vocabularySize(withAddedTokens: false)), model_max_length=\(tokenizer.modelMaxLength.map(String.init) ?? "1000000000000000019884624838656"), padding_side='\(tokenizer.paddingSide == .left ? "left" : "right")')"
    }

    func length(in interp: Interpreter) throws -> Int? { tokenizer.backend.vocabularySize(withAddedTokens: true) }

    // MARK: Calling

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        let signature = Signature([
            Parameter("text", default: Value.none), Parameter("text_pair", default: Value.none), Parameter("add_special_tokens", default: .bool(true)),
            Parameter("padding", default: .bool(false)), Parameter("truncation", default: Value.none), Parameter("max_length", default: Value.none),
            Parameter("stride", default: .int(0)), Parameter("pad_to_multiple_of", default: Value.none), Parameter("return_tensors", default: Value.none),
        ], varKeyword: "kwargs")
        let a = try signature.bind(args, function: "__call__")
        let single: Bool
        let texts: [String]
        switch a[0] {
        case .str(let s): single = true; texts = [s]
        case .list, .tuple: single = false; texts = try interp.iterate(a[0]).map { try interp.string($0, "text") }
        default: throw ScriptError.valueError("text input must be of type `str` (single example), `list[str]` (batch or single pretokenized example) or `list[list[str]]` (batch of pretokenized examples).")
        }
        var pairs: [String]? = nil
        switch a[1] {
        case .none: break
        case .str(let s): pairs = [s]
        default: pairs = try interp.iterate(a[1]).map { try interp.string($0, "text_pair") }
        }
        let padding: PaddingStrategy
        switch a[3] {
        case .bool(true), .str("longest"): padding = .longest
        case .str("max_length"): padding = .maxLength
        case .bool(false), .none, .str("do_not_pad"): padding = .doNotPad
        default: throw ScriptError.valueError("padding must be True, False, 'longest', 'max_length' or 'do_not_pad'")
        }
        let truncation: Bool
        switch a[4] {
        case .none: truncation = !a[5].isNone
        case .bool(let b): truncation = b
        case .str(let s): truncation = s != "do_not_truncate"
        default: truncation = try interp.bool(a[4])
        }
        let encoding = try tokenizer(texts, pairs: pairs, addSpecialTokens: try interp.bool(a[2]), padding: padding,
                                     truncation: truncation, maxLength: try interp.optionalInt(a[5]), stride: try interp.toInt(a[6]),
                                     padToMultipleOf: try interp.optionalInt(a[7]))
        let returnTensors = a[8].isNone ? nil : try interp.string(a[8], "return_tensors")
        return .object(try BatchEncodingObject(encoding, single: single, tensors: returnTensors, tokenTypes: returnsTokenTypes))
    }

    // MARK: Attributes

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        let special: [String: String?] = [
            "pad_token": tokenizer.padToken, "eos_token": tokenizer.eosToken, "bos_token": tokenizer.bosToken,
            "unk_token": tokenizer.unkToken, "sep_token": tokenizer.sepToken, "cls_token": tokenizer.clsToken,
            "mask_token": tokenizer.maskToken,
        ]
        if let token = special[name] { return token.map { .str($0) } ?? Value.none }
        if name.hasSuffix("_token_id"), let token = special[String(name.dropLast(3))] {
            guard let token, let id = tokenizer.backend.tokenToId(token) else { return .none }
            return .int(id)
        }
        switch name {
        case "vocab_size": return .int(tokenizer.backend.vocabularySize(withAddedTokens: false))
        case "model_max_length": return .int(tokenizer.modelMaxLength ?? Int.max)
        case "padding_side": return .str(tokenizer.paddingSide == .left ? "left" : "right")
        case "truncation_side": return .str(tokenizer.truncationSide == .left ? "left" : "right")
        case "chat_template": return tokenizer.chatTemplate.map { .str($0) } ?? Value.none
        case "all_special_tokens":
            return .list(Array(Set(special.values.compactMap { $0 })).sorted().map { .str($0) })
        default:
            guard let method = Self.methods[name] else { return nil }
            return method.bind(self, name: name)
        }
    }

    func attributeNames() -> [String] {
        ["pad_token", "eos_token", "bos_token", "unk_token", "sep_token", "cls_token", "mask_token", "pad_token_id",
         "eos_token_id", "bos_token_id", "unk_token_id", "sep_token_id", "cls_token_id", "mask_token_id", "vocab_size",
         "model_max_length", "padding_side", "truncation_side", "chat_template"] + Self.methods.keys.sorted()
    }

    func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws {
        func token() throws -> String? { value.isNone ? nil : try interp.string(value, name) }
        switch name {
        case "pad_token": tokenizer.padToken = try token()
        case "eos_token": tokenizer.eosToken = try token()
        case "bos_token": tokenizer.bosToken = try token()
        case "unk_token": tokenizer.unkToken = try token()
        case "mask_token": tokenizer.maskToken = try token()
        case "padding_side", "truncation_side":
            let side = try interp.string(value, name)
            guard side == "left" || side == "right" else { throw ScriptError.valueError("\(name) must be 'left' or 'right', got '\(side)'") }
            if name == "padding_side" { tokenizer.paddingSide = side == "left" ? .left : .right } else {
                tokenizer.truncationSide = side == "left" ? .left : .right
            }
        case "model_max_length": tokenizer.modelMaxLength = try interp.toInt(value)
        case "chat_template": tokenizer.chatTemplate = try token()
        default: throw ScriptError.attributeError("'\(className)' object attribute '\(name)' cannot be set")
        }
    }

    // MARK: Methods

    /// Token ids from a list, a tuple or a 1-D tensor.
    static func ids(_ value: Value, _ interp: Interpreter) throws -> [Int] {
        if case .object(let t as TensorObject) = value {
            guard t.tensor.rank <= 1 else { throw ScriptError.valueError("decode expects one sequence of ids; use batch_decode for a batch") }
            return t.tensor.int64s().map { Int($0) }
        }
        if value.isIntegerLike { return [try interp.toInt(value)] }
        return try interp.iterate(value).map { try interp.toInt($0) }
    }

    static let methods: [String: NativeMethod<TokenizerObject>] = [
        "decode": NativeMethod([Parameter("token_ids"), Parameter("skip_special_tokens", default: .bool(false)),
                                Parameter("clean_up_tokenization_spaces", default: Value.none)], varKeyword: "kwargs") { this, a, interp in
            .str(try this.tokenizer.decode(try ids(a[0], interp), skipSpecialTokens: try interp.bool(a[1]),
                                           cleanUpTokenizationSpaces: a[2].isNone ? nil : try interp.bool(a[2])))
        },
        "batch_decode": NativeMethod([Parameter("sequences"), Parameter("skip_special_tokens", default: .bool(false))], varKeyword: "kwargs") { this, a, interp in
            let rows: [Value]
            if case .object(let t as TensorObject) = a[0] {
                rows = try (0..<(t.tensor.shape.first ?? 0)).map { .object(TensorObject(try t.tensor.select(0, $0))) }
            } else {
                rows = try interp.iterate(a[0])
            }
            return .list(try rows.map { .str(try this.tokenizer.decode(try ids($0, interp), skipSpecialTokens: try interp.bool(a[1]))) })
        },
        "tokenize": NativeMethod([Parameter("text")], varKeyword: "kwargs") { this, a, interp in
            .list(try this.tokenizer.tokenize(try interp.string(a[0], "text")).map { .str($0) })
        },
        "encode": NativeMethod([Parameter("text"), Parameter("text_pair", default: Value.none), Parameter("add_special_tokens", default: .bool(true)),
                                Parameter("return_tensors", default: Value.none)], varKeyword: "kwargs") { this, a, interp in
            let ids = try this.tokenizer.encode(try interp.string(a[0], "text"), pair: a[1].isNone ? nil : try interp.string(a[1], "text_pair"),
                                                addSpecialTokens: try interp.bool(a[2]))
            if a[3].isNone { return .list(ids.map { .int($0) }) }
            return .object(TensorObject(try Tensor(ids.map(Int64.init), shape: [1, ids.count])))
        },
        "convert_ids_to_tokens": NativeMethod([Parameter("ids")]) { this, a, interp in
            if a[0].isIntegerLike { return this.tokenizer.convertIdsToTokens([try interp.toInt(a[0])])[0].map { .str($0) } ?? Value.none }
            return .list(this.tokenizer.convertIdsToTokens(try ids(a[0], interp)).map { $0.map { .str($0) } ?? Value.none })
        },
        "convert_tokens_to_ids": NativeMethod([Parameter("tokens")]) { this, a, interp in
            if case .str(let token) = a[0] { return this.tokenizer.convertTokensToIds([token])[0].map { .int($0) } ?? Value.none }
            return .list(this.tokenizer.convertTokensToIds(try interp.iterate(a[0]).map { try interp.string($0, "token") }).map { $0.map { .int($0) } ?? Value.none })
        },
        "convert_tokens_to_string": NativeMethod([Parameter("tokens")]) { this, a, interp in
            let ids = this.tokenizer.convertTokensToIds(try interp.iterate(a[0]).map { try interp.string($0, "token") }).compactMap { $0 }
            return .str(try this.tokenizer.decode(ids))
        },
        "get_vocab": NativeMethod([]) { this, _, _ in
            let size = this.tokenizer.backend.vocabularySize(withAddedTokens: true)
            return .dict((0..<size).compactMap { id in this.tokenizer.backend.idToToken(id).map { ($0, Value.int(id)) } })
        },
        "apply_chat_template": NativeMethod([Parameter("conversation"), Parameter("tools", default: Value.none), Parameter("documents", default: Value.none),
                                             Parameter("chat_template", default: Value.none), Parameter("add_generation_prompt", default: .bool(false)),
                                             Parameter("continue_final_message", default: .bool(false)), Parameter("tokenize", default: .bool(true)),
                                             Parameter("padding", default: .bool(false)), Parameter("truncation", default: .bool(false)),
                                             Parameter("max_length", default: Value.none), Parameter("return_tensors", default: Value.none),
                                             Parameter("return_dict", default: .bool(false))], varKeyword: "kwargs") { this, a, interp in
            let messages = try interp.iterate(a[0]).map { message -> [String: JSONValue] in
                guard case .dict(let d) = message else { throw ScriptError.typeError("each message must be a dict with 'role' and 'content'") }
                var result: [String: JSONValue] = [:]
                for entry in d.entries {
                    guard case .str(let key) = entry.key else { continue }
                    result[key] = try ChatValues.json(entry.value, interp)
                }
                return result
            }
            var extra: [String: JSONValue] = [:]
            if !a[1].isNone { extra["tools"] = try ChatValues.json(a[1], interp) }
            if !a[2].isNone { extra["documents"] = try ChatValues.json(a[2], interp) }
            if case .dict(let kwargs) = a[12] {
                for entry in kwargs.entries { if case .str(let key) = entry.key { extra[key] = try ChatValues.json(entry.value, interp) } }
            }
            let output = try this.tokenizer.applyChatTemplate(messages: messages, addGenerationPrompt: try interp.bool(a[4]),
                                                               tokenize: try interp.bool(a[6]), extra: extra)
            switch output {
            case .text(let text): return .str(text)
            case .ids(let ids):
                let tensor: Value = .object(TensorObject(try Tensor(ids.map(Int64.init), shape: [1, ids.count])))
                if try interp.bool(a[11]) {
                    let mask = Value.object(TensorObject(Tensor.ones([1, ids.count], dtype: .int64)))
                    return .object(BatchEncodingObject(fields: [("input_ids", a[10].isNone ? .list(ids.map { .int($0) }) : tensor),
                                                                ("attention_mask", a[10].isNone ? .list(ids.map { _ in .int(1) }) : mask)]))
                }
                return a[10].isNone ? .list(ids.map { .int($0) }) : tensor
            }
        },
    ]
}

/// Script values → the JSON values chat templates render.
enum ChatValues {
    static func json(_ value: Value, _ interp: Interpreter) throws -> JSONValue {
        switch value {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .list, .tuple: return .array(try interp.iterate(value).map { try json($0, interp) })
        case .dict(let d):
            return .object(JSONObject(try d.entries.compactMap { entry -> (String, JSONValue)? in
                guard case .str(let key) = entry.key else { return nil }
                return (key, try json(entry.value, interp))
            }))
        default: return .string(try interp.str(value))
        }
    }
}

/// Python's `BatchEncoding`: a dict of `input_ids`, `token_type_ids`, `attention_mask` (lists, or tensors with
/// `return_tensors="pt"`) that prints as a dict, unpacks with `**`, and also answers attribute access.
final class BatchEncodingObject: ScriptObject {
    var fields: [(String, Value)]

    init(fields: [(String, Value)]) { self.fields = fields }

    convenience init(_ encoding: BatchEncoding, single: Bool, tensors: String?, tokenTypes: Bool) throws {
        var columns: [(String, [[Int]])] = [("input_ids", encoding.inputIds)]
        if tokenTypes { columns.append(("token_type_ids", encoding.tokenTypeIds)) }
        columns.append(("attention_mask", encoding.attentionMask))
        var fields: [(String, Value)] = []
        for (name, rows) in columns {
            if let tensors {
                guard tensors == "pt" || tensors == "np" else {
                    throw ScriptError.valueError("return_tensors='\(tensors)': only 'pt' (and 'np') tensors exist here")
                }
                let length = rows.first?.count ?? 0
                guard rows.allSatisfy({ $0.count == length }) else {
                    throw ScriptError.valueError("Unable to create tensor, you should probably activate truncation and/or padding with 'padding=True' 'truncation=True' to have batched tensors with the same length. Perhaps your features (`\(name)` in this case) have excessive nesting (inputs type `list` where type `int` is expected).")
                }
                fields.append((name, .object(TensorObject(try Tensor(rows.flatMap { $0 }.map(Int64.init), shape: [rows.count, length])))))
            } else if single, let row = rows.first {
                fields.append((name, .list(row.map { .int($0) })))
            } else {
                fields.append((name, .list(rows.map { .list($0.map { .int($0) }) })))
            }
        }
        self.init(fields: fields)
    }

    var typeName: String { "BatchEncoding" }

    func repr(in interp: Interpreter) throws -> String {
        "{" + (try fields.map { "'\($0.0)': \(try interp.repr($0.1))" }.joined(separator: ", ")) + "}"
    }

    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        guard case .str(let key) = index.key else {
            throw ScriptError.keyError(index.key)
        }
        guard let value = fields.first(where: { $0.0 == key })?.1 else { throw ScriptError.keyError(index.key) }
        return value
    }

    func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws {
        guard case .str(let key) = index.key else { throw ScriptError.typeError("BatchEncoding keys are strings") }
        if let i = fields.firstIndex(where: { $0.0 == key }) { fields[i].1 = value } else { fields.append((key, value)) }
    }

    func length(in interp: Interpreter) throws -> Int? { fields.count }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(fields.map { .str($0.0) }) }
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        guard case .str(let key) = value else { return false }
        return fields.contains { $0.0 == key }
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let value = fields.first(where: { $0.0 == name })?.1 { return value }
        switch name {
        case "keys": return .object(BuiltinFunction("keys") { _, _ in .list(self.fields.map { .str($0.0) }) })
        case "values": return .object(BuiltinFunction("values") { _, _ in .list(self.fields.map(\.1)) })
        case "items": return .object(BuiltinFunction("items") { _, _ in .list(self.fields.map { .tuple([.str($0.0), $0.1]) }) })
        case "to": return .object(BuiltinFunction("to") { _, _ in .object(self) })
        case "data": return .dict(fields)
        default: return nil
        }
    }

    func attributeNames() -> [String] { fields.map(\.0) + ["keys", "values", "items", "to", "data"] }
}
