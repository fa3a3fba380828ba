// Real-world chat templates rendered on many conversations must equal transformers'
// `apply_chat_template(..., tokenize=False)` byte for byte, and fail where it fails.

import Foundation
import Testing
@testable import Jinja

struct ChatTemplateReferenceTests {
    struct Outcome: CustomStringConvertible {
        let name: String
        let problem: String
        var description: String { "\(name): \(problem)" }
    }

    /// Runs every fixture case; returns the mismatches.
    static func mismatches() throws -> (checked: Int, failures: [Outcome]) {
        let fixture = try Fixtures.load("chat_templates.json")
        let clock = try Fixtures.fixedClock(fixture["fixed_now"].stringValue ?? "")
        var compiled: [String: Result<ChatTemplate, Error>] = [:]
        for (name, entry) in fixture["templates"].objectValue.pairs {
            compiled[name] = Result { try ChatTemplate(entry["source"].stringValue ?? "") }
        }
        let conversations = fixture["conversations"]
        var failures: [Outcome] = []
        var checked = 0
        for testCase in fixture["cases"].arrayValue {
            let templateName = testCase["template"].stringValue ?? ""
            let conversationName = testCase["conversation"].stringValue ?? ""
            let addGenerationPrompt = testCase["add_generation_prompt"].isTruthy
            let label = "\(templateName) × \(conversationName) (add_generation_prompt=\(addGenerationPrompt))"
            let conversation = conversations[conversationName]
            var extra = Dictionary(uniqueKeysWithValues: testCase["extra"].objectValue.pairs.map { ($0.key, $0.value) })
            extra["strftime_now"] = clock
            checked += 1
            let rendered = Result {
                let template = try compiled[templateName]?.get()
                guard let template else { throw FixtureError("unknown template") }
                return try template.render(
                    messages: conversation["messages"].arrayValue, addGenerationPrompt: addGenerationPrompt,
                    tools: conversation["tools"].isUndefined ? nil : conversation["tools"].arrayValue,
                    documents: conversation["documents"].isUndefined ? nil : conversation["documents"].arrayValue,
                    extra: extra)
            }
            switch (rendered, testCase["expected"].stringValue) {
            case (.success(let text), let expected?):
                if text != expected { failures.append(Outcome(name: label, problem: "rendered \(text.debugDescription)\nexpected \(expected.debugDescription)")) }
            case (.failure(let error), let expected?):
                failures.append(Outcome(name: label, problem: "threw \(error) but expected \(expected.debugDescription)"))
            case (.success(let text), nil):
                failures.append(Outcome(name: label, problem: "rendered \(text.debugDescription) but the reference raised \(testCase["expected_error"]["message"].pythonString)"))
            case (.failure(let error), nil):
                // The reference raised too; raise_exception messages must match exactly.
                let expectedKind = testCase["expected_error"]["kind"].stringValue
                if expectedKind == "raised" {
                    let message = (error as? JinjaError)?.message
                    if message != testCase["expected_error"]["message"].stringValue || (error as? JinjaError)?.kind != .raised {
                        failures.append(Outcome(name: label, problem: "raised \(error), expected raise_exception(\(testCase["expected_error"]["message"].pythonString))"))
                    }
                }
            }
        }
        return (checked, failures)
    }

    @Test func everyTemplateMatchesTransformers() throws {
        let (checked, failures) = try Self.mismatches()
        #expect(checked > 1000)
        #expect(failures.isEmpty, "\(failures.count) of \(checked) cases differ:\n\(failures.prefix(20).map(\.description).joined(separator: "\n\n"))")
    }
}
