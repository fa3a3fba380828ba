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

@Suite struct JSONObjectDuplicateKeyTests {
    /// json.loads: a repeated key keeps its first place and takes the last value.
    @Test func repeatedKeysKeepFirstPlaceAndLastValue() throws {
        let value = try JSONValue(parsing: #"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["a", "b"])
        #expect(value["a"]?.intValue == 3 && value.objectValue?.count == 2)
    }

    /// Copies share nothing after a write.
    @Test func copiesAreIndependent() throws {
        let original = try #require(try JSONValue(parsing: #"{"x": 1, "y": 2}"#).objectValue)
        var copy = original
        copy["x"] = 5
        copy["z"] = 6
        #expect(original["x"]?.intValue == 1 && original["z"] == nil && original.count == 2)
        #expect(copy["x"]?.intValue == 5 && copy["z"]?.intValue == 6 && copy.keys == ["x", "y", "z"])
    }
}

@Suite struct JSONObjectLargeTests {
    /// Objects past the indexed limit (vocabularies) answer lookups, dedupe repeated keys and take mutations.
    @Test func largeObjectsBehaveLikeSmallOnes() throws {
        let count = JSONObject.indexedLimit + 10
        let members = (0..<count).map { "\"k\($0)\": \($0)" } + ["\"k7\": -7"]
        let value = try JSONValue(parsing: "{" + members.joined(separator: ", ") + "}")
        var object = try #require(value.objectValue)
        #expect(object.count == count && object["k7"]?.intValue == -7 && object.keys[7] == "k7")
        #expect(object["k\(count - 1)"]?.intValue == count - 1 && object["missing"] == nil)
        object["k3"] = nil
        object["new"] = 1
        #expect(object.count == count && object["k4"]?.intValue == 4 && object.keys.last == "new")
    }
}
