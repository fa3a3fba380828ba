// One small template per feature (lexer whitespace rules, operators, loops, macros, filters, tests,
// methods, tojson, errors), rendered by Jinja2 configured as transformers configures it.

import Foundation
import Testing
@testable import Jinja

struct UnitReferenceTests {
    static let cases: [JinjaValue] = (try? Fixtures.load("unit_cases.json"))?.arrayValue ?? []

    @Test func fixtureLoaded() {
        #expect(Self.cases.count > 80)
    }

    @Test(arguments: Array(0..<UnitReferenceTests.cases.count))
    func rendersLikeJinja2(index: Int) throws {
        let testCase = Self.cases[index]
        let source = testCase["template"].stringValue ?? ""
        let chat = testCase["mode"].stringValue == "chat"
        let context = Dictionary(uniqueKeysWithValues: testCase["context"].objectValue.pairs.map { ($0.key, $0.value) })
        let result = Result { try Template(source, trimBlocks: chat, lstripBlocks: chat).render(context) }
        if let expected = testCase["expected"].stringValue {
            switch result {
            case .success(let text): #expect(text == expected, "template: \(source.debugDescription)")
            case .failure(let error): Issue.record("\(source.debugDescription) threw \(error), expected \(expected.debugDescription)")
            }
            return
        }
        let expectedError = testCase["expected_error"]
        switch result {
        case .success(let text):
            Issue.record("\(source.debugDescription) rendered \(text.debugDescription) but Jinja2 raised \(expectedError["message"].pythonString)")
        case .failure(let error):
            let jinjaError = try #require(error as? JinjaError, "threw a non-JinjaError: \(error)")
            if let line = expectedError["line"].asInt {
                #expect(jinjaError.line == line, "\(source.debugDescription): \(jinjaError)")
            }
            if expectedError["type"].stringValue == "TemplateError" {
                #expect(jinjaError.kind == .raised)
                #expect(jinjaError.message == expectedError["message"].stringValue)
            }
        }
    }
}
