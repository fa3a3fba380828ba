// The default chat-template renderer: our Jinja engine (target `Jinja`), configured as transformers renders chat
// templates (trim_blocks, lstrip_blocks, raise_exception, strftime_now, tools/documents as None when absent).
import JSON
import Jinja

/// Renders `tokenizer_config.json`'s `chat_template` with the Jinja target; used unless another renderer is
/// registered with `ChatTemplates.register`.
struct JinjaChatTemplateRenderer: ChatTemplateRenderer {
    func render(template: String, variables: [String: JSONValue]) throws -> String {
        var extra: [String: JinjaValue] = [:]
        for (key, value) in variables where !["messages", "add_generation_prompt", "tools", "documents"].contains(key) {
            extra[key] = Self.jinja(value)
        }
        let messages = variables["messages"]?.arrayValue?.map(Self.jinja) ?? []
        let tools = variables["tools"]?.arrayValue?.map(Self.jinja)
        let documents = variables["documents"]?.arrayValue?.map(Self.jinja)
        return try ChatTemplate(template).render(
            messages: messages, addGenerationPrompt: variables["add_generation_prompt"]?.boolValue ?? false,
            tools: tools, documents: documents, extra: extra)
    }

    /// JSON → Jinja values, keeping key order and the int/float distinction (`tojson` prints `1` for an int, `1.0`
    /// for a float, as Python does).
    static func jinja(_ value: JSONValue) -> JinjaValue {
        switch value {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(jinja))
        case .object(let object): return .object(JinjaObject(object.map { ($0.key, jinja($0.value)) }))
        }
    }
}
