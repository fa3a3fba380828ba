import Testing
@testable import JSON

@Suite struct JSONObjectOrderTests {
    @Test func membersKeepTheirValues() throws {
        let value = try JSONValue(parsing: #"{"string": 3, "ids": [101, 102], "decode": "x", "nested": {"a": 1, "b": [2]}}"#)
        #expect(value["ids"]?.arrayValue?.compactMap(\.intValue) == [101, 102])
        #expect(value["string"]?.intValue == 3)
        #expect(value["nested"]?["b"]?[0]?.intValue == 2)
        #expect(value.objectValue.map { Array($0.keys) } == ["string", "ids", "decode", "nested"])
        var object = try #require(value.objectValue)
        object["string"] = nil
        #expect(object.keys == ["ids", "decode", "nested"] && object["decode"]?.stringValue == "x")
    }
}
