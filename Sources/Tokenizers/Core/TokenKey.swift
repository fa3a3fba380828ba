// Swift's `String` compares and hashes by canonical equivalence: "é" (U+00E9) and "e\u{301}" are the
// same key. Tokenizer vocabularies are byte-exact (the reference uses Rust strings), so every
// vocabulary, cache and added-token table is keyed by `TokenKey`, which compares UTF-8 bytes. It is
// also faster: hashing a non-ASCII `String` normalizes it first.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct TokenKey: Hashable, Sendable {
    let string: String

    init(_ string: String) {
        var s = string
        s.makeContiguousUTF8()
        self.string = s
    }

    static func == (a: TokenKey, b: TokenKey) -> Bool {
        var x = a.string
        var y = b.string
        return x.withUTF8 { xb in
            y.withUTF8 { yb in
                guard xb.count == yb.count else { return false }
                guard let p = xb.baseAddress, let q = yb.baseAddress else { return true }
                return memcmp(p, q, xb.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
