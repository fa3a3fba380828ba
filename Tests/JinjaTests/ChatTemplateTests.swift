// The public ChatTemplate/Template API, the strings the seeds' chat_templating guide prints, catchable
// template errors with their line, and ordered JSON values.

import Foundation
import Testing
@testable import Jinja

struct ChatTemplateTests {
    static let templates: JinjaObject = (try? Fixtures.load("chat_templates.json"))?["templates"].objectValue ?? JinjaObject()

    private func template(_ name: String) throws -> ChatTemplate {
        let source = try #require(Self.templates[name]?["source"].stringValue, "no template \(name)")
        return try ChatTemplate(source)
    }

    private let chat: [JinjaValue] = [
        ["role": "user", "content": "Hello, how are you?"],
        ["role": "assistant", "content": "I'm doing great. How can I help you today?"],
        ["role": "user", "content": "I'd like to show off how chat templating works!"],
    ]

    // MARK: - The seeds' chat_templating guide (S0 L3590, L3604, L3632, L3689-3707, L3737)

    @Test func seedBlenderBot() throws {
        let text = try template("hfjs-default/blenderbot").render(messages: chat, addGenerationPrompt: false, extra: ["eos_token": "</s>"])
        #expect(text == " Hello, how are you?  I'm doing great. How can I help you today?   I'd like to show off how chat templating works!</s>")
        // The guide's re-indented version keeps the newlines after `}}` (its whitespace warning); the
        // reference fixtures check that rendering ("seed/blenderbot-multiline").
    }

    @Test func seedMistral() throws {
        let text = try template("TheBloke/Mistral-7B-Instruct-v0.1-GPTQ").render(
            messages: chat, addGenerationPrompt: false, extra: ["bos_token": "<s>", "eos_token": "</s>"])
        #expect(text == "<s>[INST] Hello, how are you? [/INST]I'm doing great. How can I help you today?</s> [INST] I'd like to show off how chat templating works! [/INST]")
    }

    /// S2 L572: the Spanish conversation through Mistral's template.
    @Test func seedMistralSpanish() throws {
        let messages: [JinjaValue] = [
            ["role": "user", "content": "Hola, ¿Cómo estás?"],
            ["role": "assistant", "content": "Estoy bien. ¿Cómo te puedo ayudar?"],
            ["role": "user", "content": "Me gustaría saber cómo funcionan los chat templates"],
        ]
        let text = try template("TheBloke/Mistral-7B-Instruct-v0.1-GPTQ").render(
            messages: messages, addGenerationPrompt: false, extra: ["bos_token": "<s>", "eos_token": "</s>"])
        #expect(text == "<s>[INST] Hola, ¿Cómo estás? [/INST]Estoy bien. ¿Cómo te puedo ayudar?</s> [INST] Me gustaría saber cómo funcionan los chat templates [/INST]")
    }

    @Test func seedZephyr() throws {
        let messages: [JinjaValue] = [
            ["role": "system", "content": "You are a friendly chatbot who always responds in the style of a pirate"],
            ["role": "user", "content": "How many helicopters can a human eat in one sitting?"],
        ]
        let text = try template("HuggingFaceH4/zephyr-7b-beta (add_generation_prompt=false)").render(
            messages: messages, addGenerationPrompt: true, extra: ["eos_token": "</s>"])
        // The guide prints tokenizer.decode(ids): Zephyr's SentencePiece decode adds the space after each `</s>`.
        let printed = "<|system|>\nYou are a friendly chatbot who always responds in the style of a pirate</s> \n<|user|>\nHow many helicopters can a human eat in one sitting?</s> \n<|assistant|>\n"
        #expect(text == printed.replacingOccurrences(of: "</s> \n", with: "</s>\n"))

        let training = try template("HuggingFaceH4/zephyr-7b-beta (add_generation_prompt=false)").render(
            messages: [["role": "user", "content": "Which is bigger, the moon or the sun?"], ["role": "assistant", "content": "The sun."]],
            addGenerationPrompt: false, extra: ["eos_token": "</s>"])
        // print() shows the trailing newline as the end of the output.
        #expect(training == "<|user|>\nWhich is bigger, the moon or the sun?</s>\n<|assistant|>\nThe sun.</s>\n")
    }

    @Test func seedChatMLGenerationPrompt() throws {
        let messages: [JinjaValue] = [
            ["role": "user", "content": "Hi there!"],
            ["role": "assistant", "content": "Nice to meet you!"],
            ["role": "user", "content": "Can I ask a question?"],
        ]
        let chatML = try template("seed/chatml-one-liner")
        let without = "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\nNice to meet you!<|im_end|>\n<|im_start|>user\nCan I ask a question?<|im_end|>\n"
        #expect(try chatML.render(messages: messages, addGenerationPrompt: false) == without)
        #expect(try chatML.render(messages: messages, addGenerationPrompt: true) == without + "<|im_start|>assistant\n")
    }

    // MARK: - Errors

    @Test func raiseExceptionIsCatchableWithItsLine() throws {
        let gemma = try template("google/gemma-7b-it")
        let messages: [JinjaValue] = [["role": "system", "content": "x"], ["role": "user", "content": "y"]]
        do {
            _ = try gemma.render(messages: messages, addGenerationPrompt: true, extra: ["bos_token": "<bos>"])
            Issue.record("expected raise_exception")
        } catch let error as JinjaError {
            #expect(error.kind == .raised)
            #expect(error.message == "System role not supported")
            #expect(error.line == 1)
            #expect(error.description == "template line 1: System role not supported")
        }
        let multiline = try ChatTemplate("{% for m in messages %}\n  {% if m.role == 'bad' %}\n    {{ raise_exception('bad role at ' ~ loop.index) }}\n  {% endif %}\n{% endfor %}")
        #expect(throws: JinjaError(.raised, "bad role at 2", line: 3)) {
            try multiline.render(messages: [["role": "user"], ["role": "bad"]], addGenerationPrompt: false)
        }
    }

    @Test func undefinedBehavesLikeJinjaDefault() throws {
        let t = try Template("[{{ missing }}][{{ missing | length }}][{% for x in missing %}x{% endfor %}][{{ d.nope }}][{{ 'yes' if not missing }}]")
        #expect(try t.render(["d": ["a": 1]]) == "[][0][][][yes]")
        #expect(throws: JinjaError.self) { try Template("{{ missing.attr }}").render([:]) }
        #expect(throws: JinjaError.self) { try Template("{{ missing + 1 }}").render([:]) }
    }

    @Test func malformedTemplatesThrowAtInit() {
        #expect(throws: JinjaError.self) { try ChatTemplate("{% for m in messages %}") }
        #expect(throws: JinjaError.self) { try ChatTemplate("{{ 'unterminated }}") }
    }

    @Test func hostileNestingIsAnErrorNotACrash() throws {
        let deepParens = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: JinjaError.self) { try Template("{{ \(deepParens) }}") }
        let deepBlocks = String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000)
        #expect(throws: JinjaError.self) { try Template(deepBlocks) }
        let deepList = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: JinjaError.self) { try Template("{{ \(deepList) }}") }
        #expect(throws: JinjaError.self) { try Template("{{ " + String(repeating: "-", count: 5000) + "1 }}") }
        #expect(throws: JinjaError.self) { try Template("{{ 1" + String(repeating: " + 1", count: 5000) + " }}") }
        #expect(throws: JinjaError.self) { try Template("{{ x" + String(repeating: "|trim", count: 5000) + " }}") }
        #expect(throws: JinjaError.self) { try Template("{{ x" + String(repeating: ".a", count: 5000) + " }}") }
        // Reasonable nesting still works.
        #expect(try Template("{{ " + String(repeating: "(", count: 30) + "2" + String(repeating: ")", count: 30) + " }}").render([:]) == "2")
    }

    @Test func deepRecursionIsAnErrorNotACrash() throws {
        let t = try Template("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        #expect(throws: JinjaError.self) { try t.render([:]) }
    }

    // MARK: - Context and values

    @Test func toolsAndDocumentsDefaultToNone() throws {
        let t = try ChatTemplate("{{ tools is none }} {{ documents is none }} {{ tools is defined }} {{ custom }}")
        #expect(try t.render(messages: [], addGenerationPrompt: false, extra: ["custom": 7]) == "True True True 7")
        #expect(try t.render(messages: [], addGenerationPrompt: false, tools: [], documents: []) == "False False True ")
    }

    @Test func jsonKeepsKeyOrderForToJSON() throws {
        let schema = try JinjaValue(json: #"{"name": "f", "parameters": {"type": "object", "properties": {"z": {"type": "string"}, "a": {"type": "integer"}}}, "n": 1.50, "big": 12345678901, "u": "\u00e9\ud83d\ude00"}"#)
        let text = try Template("{{ t | tojson }}").render(["t": schema])
        #expect(text == #"{"name": "f", "parameters": {"type": "object", "properties": {"z": {"type": "string"}, "a": {"type": "integer"}}}, "n": 1.5, "big": 12345678901, "u": "é😀"}"#)
        #expect(throws: JinjaError.self) { try JinjaValue(json: "{\"a\": [1, 2}") }
        #expect(throws: JinjaError.self) { try JinjaValue(json: String(repeating: "[", count: 10_000)) }
    }

    @Test func swiftConveniencesBuildPythonValues() throws {
        let value: JinjaValue = ["b": 1, "a": [true, nil, 2.5, "x"]]
        #expect(try Template("{{ v }}").render(["v": value]) == "{'b': 1, 'a': [True, None, 2.5, 'x']}")
        #expect(try Template("{{ v }}").render(["v": JinjaValue(["z": 1, "y": 2])]) == "{'z': 1, 'y': 2}")
        let unordered: [String: JinjaValue] = ["z": 1, "y": 2]
        #expect(try Template("{{ v }}").render(["v": JinjaValue(sortingKeysOf: unordered)]) == "{'y': 2, 'z': 1}")
        let foundation = try JSONSerialization.jsonObject(with: Data(#"{"flag": true, "n": 3, "f": 0.5, "s": null}"#.utf8))
        #expect(try Template("{{ v }}").render(["v": JinjaValue(any: foundation)]) == "{'f': 0.5, 'flag': True, 'n': 3, 's': None}")
    }

    @Test func customFunctionsCanBePassedInTheContext() throws {
        let shout = JinjaFunction(name: "shout") { args in .string((args.positional.first?.pythonString ?? "").uppercased() + "!") }
        #expect(try Template("{{ shout('hi') }}").render(["shout": .function(shout)]) == "HI!")
    }

    @Test func strftimeNowFormatsTheCurrentDate() throws {
        let rendered = try Template("{{ strftime_now('%Y-%m-%d') }}").render([:])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let before = formatter.string(from: Date(timeIntervalSinceNow: -5))
        let after = formatter.string(from: Date(timeIntervalSinceNow: 5))
        #expect(rendered == before || rendered == after)
    }
}
