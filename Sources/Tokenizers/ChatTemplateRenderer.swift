// The seam between tokenizers and the Jinja template engine (target `Jinja`, built separately).
// `PreTrainedTokenizer.applyChatTemplate` only needs "render this template with these variables";
// the default is our Jinja engine (JinjaChatTemplateRenderer.swift); `ChatTemplates.register` replaces it.
import JSON
import Foundation

/// Renders a chat template. Variables are JSON-like values: `messages`, `add_generation_prompt`,
/// the special tokens (`bos_token`, `eos_token`, …) and any extra context (`tools`, `documents`…).
public protocol ChatTemplateRenderer: Sendable {
    func render(template: String, variables: [String: JSONValue]) throws -> String
}

/// The renderer every tokenizer uses: the Jinja engine unless another one is registered.
public enum ChatTemplates {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: (any ChatTemplateRenderer)?

    /// Replaces the renderer used by every tokenizer.
    public static func register(_ renderer: any ChatTemplateRenderer) {
        lock.lock()
        registered = renderer
        lock.unlock()
    }

    static var renderer: any ChatTemplateRenderer {
        lock.lock()
        defer { lock.unlock() }
        return registered ?? JinjaChatTemplateRenderer()
    }
}
