// `UnicodeScripts` and `FixedLength`: the two pre-tokenizers that cut by position or script rather than
// by a character class (reference `pre_tokenizers/unicode_scripts` and `pre_tokenizers/fixed_length`).

/// `UnicodeScripts`: starts a new piece wherever the script changes. Characters of the class "Any" (the
/// space, unassigned code points) never start a piece and do not change the current script, so they stay
/// with the piece before them; leading ones are dropped, as the reference does.
struct UnicodeScriptsPreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { piece in
            let s = piece.scalars
            var cuts: [Int] = []
            var last: UInt8? = nil
            for (i, scalar) in s.enumerated() {
                let script = UnicodeScriptTable.scriptClass(of: scalar)
                guard script != UnicodeScriptTable.any else { continue }
                if last != script { cuts.append(i) }
                last = script
            }
            guard !cuts.isEmpty else { return [] }
            cuts.append(s.count)
            return (0..<(cuts.count - 1)).map { piece.slice(cuts[$0]..<cuts[$0 + 1]) }
        }
    }
}

extension UnicodeScriptTable {
    /// The class of the space and unassigned code points.
    static let any: UInt8 = 0

    /// Binary search for the last range starting at or before `scalar`.
    static func scriptClass(of scalar: Unicode.Scalar) -> UInt8 {
        let v = scalar.value
        if v < 0x80 { return asciiClasses[Int(v)] }
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid] <= v { low = mid } else { high = mid }
        }
        return classes[low]
    }

    /// ASCII, looked up on every character of most text: one table read instead of a search.
    static let asciiClasses: [UInt8] = (0..<128).map { c in
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid] <= UInt32(c) { low = mid } else { high = mid }
        }
        return classes[low]
    }
}

/// `FixedLength`: pieces of `length` characters (the last one shorter).
struct FixedLengthPreTokenizer: PreTokenizer {
    let length: Int
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        let length = self.length
        try text.split { piece in
            stride(from: 0, to: piece.scalars.count, by: length).map {
                piece.slice($0..<min($0 + length, piece.scalars.count))
            }
        }
    }
}
