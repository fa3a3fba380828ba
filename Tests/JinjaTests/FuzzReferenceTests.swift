// 1500 random expressions (seeded generator in Scripts/fixtures/jinja/fuzz_cases.py) rendered by Jinja2:
// the same text, or an error where Jinja2 raises.

import Foundation
import Testing
@testable import Jinja

struct FuzzReferenceTests {
    @Test func randomExpressionsMatchJinja2() throws {
        let fixture = try Fixtures.load("fuzz_cases.json")
        let context = Dictionary(uniqueKeysWithValues: fixture["context"].objectValue.pairs.map { ($0.key, $0.value) })
        let cases = fixture["cases"].arrayValue
        #expect(cases.count == 1500)
        var mismatches: [String] = []
        for testCase in cases {
            let source = testCase["template"].stringValue ?? ""
            let result = Result { try Template(source).render(context) }
            switch (result, testCase["expected"].stringValue) {
            case (.success(let text), let expected?) where text == expected: continue
            case (.failure, nil): continue
            case (.success(let text), let expected?): mismatches.append("\(source) → \(text.debugDescription), Jinja2: \(expected.debugDescription)")
            case (.failure(let error), let expected?): mismatches.append("\(source) threw \(error), Jinja2: \(expected.debugDescription)")
            case (.success(let text), nil): mismatches.append("\(source) → \(text.debugDescription), Jinja2 raised \(testCase["expected_error"].pythonString)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(15).joined(separator: "\n"))")
    }

    @Test func randomWhitespaceControlMatchesJinja2() throws {
        let cases = try Fixtures.load("fuzz_cases.json")["whitespace_cases"].arrayValue
        #expect(cases.count == 600)
        var mismatches: [String] = []
        for testCase in cases {
            let source = testCase["template"].stringValue ?? ""
            let chat = testCase["mode"].stringValue == "chat"
            let result = Result { try Template(source, trimBlocks: chat, lstripBlocks: chat).render(["x": "X"]) }
            switch (result, testCase["expected"].stringValue) {
            case (.success(let text), let expected?) where text == expected: continue
            case (.failure, nil): continue
            case (.success(let text), let expected?): mismatches.append("\(chat ? "chat" : "plain") \(source.debugDescription) → \(text.debugDescription), Jinja2: \(expected.debugDescription)")
            case (.failure(let error), let expected?): mismatches.append("\(source.debugDescription) threw \(error), Jinja2: \(expected.debugDescription)")
            case (.success(let text), nil): mismatches.append("\(source.debugDescription) → \(text.debugDescription), Jinja2 raised \(testCase["expected_error"].pythonString)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    }
}
