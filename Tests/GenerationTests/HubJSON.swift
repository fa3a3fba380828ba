import Hub

/// Hub's JSON value (ordered objects, booleans apart from numbers) under a name that does not clash with the
/// Tokenizers module's `JSONValue` in files importing both (`Hub.JSONValue` resolves to the `Hub` struct).
typealias HubJSON = JSONValue
