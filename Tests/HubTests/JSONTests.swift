// JSONValue against Python's `json` module: float reprs, `json.dumps` in three styles, and parse errors.

import Foundation
import Testing
@testable import Hub
@testable import JSON

@Suite struct JSONTests {
    @Test func floatsPrintLikePythonRepr() throws {
        let cases = try #require(Fixture.json("json/floats.json").arrayValue)
        #expect(cases.count > 500)
        var mismatches: [String] = []
        for item in cases {
            let bits = try #require(UInt64(item["bits"]?.stringValue ?? "", radix: 16))
            let expected = try #require(item["repr"]?.stringValue)
            let printed = PythonFloat.repr(Double(bitPattern: bits))
            if printed != expected { mismatches.append("\(expected) printed as \(printed)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func floatsRoundTripThroughTheParser() throws {
        let cases = try #require(Fixture.json("json/floats.json").arrayValue)
        for item in cases {
            let text = try #require(item["repr"]?.stringValue)
            let bits = try #require(UInt64(item["bits"]?.stringValue ?? "", radix: 16))
            let parsed = try JSONValue(parsing: text)
            #expect(parsed.doubleValue?.bitPattern == bits, "\(text)")
        }
    }

    @Test func dumpsMatchesPython() throws {
        let document = try Fixture.json("json/document.json")
        #expect(document.serialized(.compact) == (try Fixture.text("json/dumps_compact.txt")))
        #expect(document.serialized(.pretty) == (try Fixture.text("json/dumps_pretty.txt")))
        let unicode = JSONFormatting(indent: 2, sortKeys: true, ensureASCII: false)
        #expect(document.serialized(unicode) == (try Fixture.text("json/dumps_pretty_unicode.txt")))
    }

    @Test func objectsKeepInsertionOrderAndLastDuplicateWins() throws {
        let value = try JSONValue(parsing: #"{"b": 1, "a": 2, "b": 3}"#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["b"] == .int(3))
        #expect(value.serialized() == #"{"b": 3, "a": 2}"#)
    }

    @Test func integersAndFloatsStayDistinct() throws {
        let value = try JSONValue(parsing: "[768, 768.0, -0, 1e2, 123456789012345678901]")
        #expect(value[0] == .int(768))
        #expect(value[1] == .double(768))
        #expect(value[3] == .double(100))
        #expect(value[4]?.doubleValue == 123456789012345678901.0)
        #expect(value.serialized() == "[768, 768.0, 0, 100.0, 1.2345678901234568e+20]")
    }

    @Test func escapesAndSurrogatePairsDecode() throws {
        let value = try JSONValue(parsing: #""a\"b\\c\/d\n\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\né😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1, column 9"),
        ("[1, 2", "unexpected end"),
        ("{\n  \"a\": tru}", "line 2, column 8"),
        ("01", "leading zeros"),
        ("\"abc", "unterminated string"),
        ("[1] x", "after the top-level value"),
        ("{'a': 1}", "expected a string key"),
    ])
    func malformedDocumentsSayWhereAndWhy(text: String, fragment: String) {
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { try JSONValue(parsing: text) }
    }
}

@Suite struct JSONKeyTests {
    /// Python keeps "é" (U+00E9) and "e" + U+0301 as two keys; Swift's String == would merge them.
    @Test func canonicallyEquivalentKeysStayDistinct() throws {
        let value = try JSONValue(parsing: #"{"\u00e9": 1, "e\u0301": 2}"#)
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{e9}"] == .int(1))
        #expect(value["e\u{301}"] == .int(2))
        var object = try #require(value.objectValue)
        object["e\u{301}"] = nil
        #expect(object.keys == ["\u{e9}"])
    }
}
