// The public entry points: `Template` (general Jinja) and `ChatTemplate` (transformers'
// `apply_chat_template` environment: trim_blocks, lstrip_blocks, `raise_exception`, `strftime_now`,
// a `tojson` that is Python's `json.dumps(ensure_ascii=False)`).

/// A parsed Jinja template. Parse once, render many times; rendering never mutates the template.
public struct Template: Sendable {
    let statements: [Statement]

    /// Parses `source`. Throws ``JinjaError`` (kind `.syntax`, with the line) for malformed templates.
    public init(_ source: String, trimBlocks: Bool = false, lstripBlocks: Bool = false) throws {
        let tokens = try Lexer.tokenize(source, options: Lexer.Options(trimBlocks: trimBlocks, lstripBlocks: lstripBlocks))
        statements = try Parser.parse(tokens)
    }

    /// Renders with the given variables. Errors carry the template line they happened on.
    public func render(_ context: [String: JinjaValue]) throws -> String {
        try Interpreter(context: context).render(statements)
    }
}

/// A chat template as `tokenizer.apply_chat_template(..., tokenize=False)` renders it.
public struct ChatTemplate: Sendable {
    let template: Template

    /// Parses the template with `trim_blocks=True, lstrip_blocks=True`, as transformers compiles chat templates.
    public init(_ source: String) throws {
        template = try Template(source, trimBlocks: true, lstripBlocks: true)
    }

    /// Renders a conversation. `tools` and `documents` are passed as `None` when absent (transformers always
    /// passes them), and `extra` carries everything else a template reads: special tokens such as `bos_token`
    /// and `eos_token`, or switches such as `enable_thinking` and `date_string`.
    public func render(
        messages: [JinjaValue], addGenerationPrompt: Bool, tools: [JinjaValue]? = nil,
        documents: [JinjaValue]? = nil, extra: [String: JinjaValue] = [:]
    ) throws -> String {
        var context = extra
        context["messages"] = .array(messages)
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        context["tools"] = tools.map(JinjaValue.array) ?? JinjaValue.none
        context["documents"] = documents.map(JinjaValue.array) ?? JinjaValue.none
        return try template.render(context)
    }
}
