import JSON

// Swift's `String` compares and hashes by canonical equivalence: "é" (U+00E9) and "e\u{301}" are the
// same key. Tokenizer vocabularies are byte-exact (the reference uses Rust strings), so every
// vocabulary, cache and added-token table is keyed by the JSON target's byte-exact key.
typealias TokenKey = JSONKey
