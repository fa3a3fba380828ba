import JSON
// Field access with defaults and typed errors, for component builders.

extension JSONValue {
    func bool(_ key: String, default value: Bool, in component: String) throws(TokenizerError) -> Bool {
        guard let v = self[key], !v.isNull else { return value }
        guard let b = v.boolValue else { throw .invalidField(component: component, field: key, expected: "a boolean") }
        return b
    }

    func int(_ key: String, default value: Int, in component: String) throws(TokenizerError) -> Int {
        guard let v = self[key], !v.isNull else { return value }
        guard let i = v.intValue else { throw .invalidField(component: component, field: key, expected: "an integer") }
        return i
    }

    func optionalString(_ key: String, in component: String) throws(TokenizerError) -> String? {
        guard let v = self[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw .invalidField(component: component, field: key, expected: "a string") }
        return s
    }

    func string(_ key: String, default value: String, in component: String) throws(TokenizerError) -> String {
        try optionalString(key, in: component) ?? value
    }

    func requiredString(_ key: String, in component: String) throws(TokenizerError) -> String {
        guard let s = try optionalString(key, in: component) else {
            throw .invalidField(component: component, field: key, expected: "a string")
        }
        return s
    }

    func requiredArray(_ key: String, in component: String) throws(TokenizerError) -> [JSONValue] {
        guard let a = self[key]?.arrayValue else { throw .invalidField(component: component, field: key, expected: "an array") }
        return a
    }

    /// A single character field such as Metaspace's `replacement`.
    func scalar(_ key: String, default value: Unicode.Scalar, in component: String) throws(TokenizerError)
        -> Unicode.Scalar
    {
        guard let s = try optionalString(key, in: component) else { return value }
        let scalars = Array(s.unicodeScalars)
        guard scalars.count == 1 else {
            throw .invalidField(component: component, field: key, expected: "a single character")
        }
        return scalars[0]
    }

    /// The component's `"type"` tag.
    func typeName(of component: String) throws(TokenizerError) -> String {
        guard let t = self["type"]?.stringValue else {
            throw .invalidField(component: component, field: "type", expected: "a string naming the component type")
        }
        return t
    }
}
