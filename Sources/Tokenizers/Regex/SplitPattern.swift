import JSON
// The pattern of Split / Replace components: a literal string or a regex. Regexes we know by heart
// run on hand-written matchers (KnownSplitPatterns.swift); anything else runs on Swift's Regex engine
// with Unicode-scalar semantics, which gives scalar offsets directly.

/// A compiled general regex; Swift's `Regex` type is immutable once built, so sharing it is safe.
final class GeneralRegex: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws(TokenizerError) {
        self.source = source
        do {
            regex = try Regex(Self.translate(source)).matchingSemantics(.unicodeScalar)
        } catch {
            throw .invalidRegex(pattern: source, reason: "\(error)")
        }
    }

    /// Rewrites the spellings whose meaning differs: Oniguruma's `\w` includes every combining mark
    /// (Devanagari viramas, for instance) where Swift's does not, and its `\d` is decimal digits only.
    static func translate(_ source: String) -> String {
        let wordItems = #"\p{L}\p{M}\p{Nd}\p{Pc}"#
        var out = ""
        var inClass = false
        var chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let n = chars[i + 1]
                if n == "w" {
                    out += inClass ? wordItems : "[" + wordItems + "]"
                } else if n == "W" && !inClass {
                    out += "[^" + wordItems + "]"
                } else if n == "d" {
                    out += #"\p{Nd}"#  // Swift's \d also takes other numerics (², ½); Oniguruma's is Nd only
                } else if n == "D" {
                    out += #"\P{Nd}"#
                } else {
                    out.append(c)
                    out.append(n)
                }
                i += 2
                continue
            }
            if c == "[" && !inClass { inClass = true } else if c == "]" && inClass { inClass = false }
            out.append(c)
            i += 1
        }
        chars = []
        return out
    }

    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let text = scalars.asString
        let view = text.unicodeScalars
        var result: [Range<Int>] = []
        var cursor = view.startIndex
        var cursorOffset = 0
        for match in text.matches(of: regex) {
            let lower = match.range.lowerBound
            let upper = match.range.upperBound
            let start = cursorOffset + view.distance(from: cursor, to: lower)
            let end = start + view.distance(from: lower, to: upper)
            cursor = upper
            cursorOffset = end
            result.append(start..<end)
        }
        return result
    }
}

/// A split pattern: string literal or regex, matched over Unicode scalars.
enum SplitPattern: Sendable {
    case literal([Unicode.Scalar])
    case known(KnownSplitPattern)
    case regex(GeneralRegex)

    static func regex(source: String) throws(TokenizerError) -> SplitPattern {
        if let known = KnownSplitPattern(source: source) { return .known(known) }
        return .regex(try GeneralRegex(source))
    }

    /// Parses `{"String": "…"}` or `{"Regex": "…"}`.
    static func parse(_ json: JSONValue?, component: String) throws(TokenizerError) -> SplitPattern {
        if let s = json?["String"]?.stringValue { return .literal(Array(s.unicodeScalars)) }
        if let r = json?["Regex"]?.stringValue { return try .regex(source: r) }
        throw .invalidField(component: component, field: "pattern", expected: #"{"String": …} or {"Regex": …}"#)
    }

    /// The matched ranges only.
    func matchRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .known(let k): return k.matches(in: s)
        case .regex(let r): return r.matches(in: s)
        case .literal(let needle):
            guard !needle.isEmpty, needle.count <= s.count else { return [] }
            var result: [Range<Int>] = []
            var i = 0
            let first = needle[0]
            while i + needle.count <= s.count {
                if s[i] == first && s[i..<(i + needle.count)].elementsEqual(needle) {
                    result.append(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return result
        }
    }

    /// The whole string cut into consecutive pieces, each flagged as a match or not (reference `find_matches`).
    func findMatches(_ s: [Unicode.Scalar]) throws(TokenizerError) -> [(range: Range<Int>, isMatch: Bool)] {
        if s.isEmpty { return [(0..<0, false)] }
        if case .literal(let needle) = self, needle.isEmpty { return [(0..<s.count, false)] }
        var pieces: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for m in matchRanges(s) {
            if previous != m.lowerBound { pieces.append((previous..<m.lowerBound, false)) }
            pieces.append((m, true))
            previous = m.upperBound
        }
        if previous != s.count { pieces.append((previous..<s.count, false)) }
        return pieces
    }
}

/// How a split treats the delimiter it matched (reference `SplitDelimiterBehavior`).
enum SplitDelimiterBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    static func parse(_ json: JSONValue?, component: String) throws(TokenizerError) -> SplitDelimiterBehavior {
        guard let s = json?.stringValue, let b = SplitDelimiterBehavior(rawValue: s) else {
            throw .invalidField(
                component: component, field: "behavior",
                expected: "one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
        }
        return b
    }

    /// Groups `find_matches` pieces into the ranges to keep, following the reference exactly.
    func apply(_ matches: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        switch self {
        case .isolated:
            return matches.map(\.range)
        case .removed:
            return matches.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var result: [Range<Int>] = []
            var previousMatch = false
            for (range, isMatch) in matches {
                if isMatch == previousMatch, let last = result.last {
                    result[result.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    result.append(range)
                }
                previousMatch = isMatch
            }
            return result
        case .mergedWithPrevious:
            var result: [Range<Int>] = []
            var previousMatch = false
            for (range, isMatch) in matches {
                if isMatch && !previousMatch, let last = result.last {
                    result[result.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    result.append(range)
                }
                previousMatch = isMatch
            }
            return result
        case .mergedWithNext:
            var result: [Range<Int>] = []
            var previousMatch = false
            for (range, isMatch) in matches.reversed() {
                if isMatch && !previousMatch, let last = result.last {
                    result[result.count - 1] = range.lowerBound..<last.upperBound
                } else {
                    result.append(range)
                }
                previousMatch = isMatch
            }
            return result.reversed()
        }
    }
}
