// MARK: - Methods of str

extension Unicode.Scalar {
    var isPythonWhitespace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return value > 0x7F && properties.isWhitespace
        }
    }
}

extension Interpreter {
    static let strMethods: Set<String> = [
        "split", "rsplit", "join", "strip", "lstrip", "rstrip", "replace", "startswith", "endswith", "find", "rfind",
        "index", "rindex", "count", "upper", "lower", "title", "capitalize", "swapcase", "casefold", "isdigit",
        "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal", "isidentifier",
        "isprintable", "istitle", "isascii", "format", "format_map", "splitlines", "partition", "rpartition",
        "center", "ljust", "rjust", "zfill", "encode", "removeprefix", "removesuffix", "expandtabs",
    ]

    private func stringArgument(_ args: Arguments, _ k: Int, _ method: String) throws -> String? {
        guard k < args.positional.count else { return nil }
        switch args.positional[k] {
        case .str(let s): return s
        case .none: return nil
        default:
            throw ScriptError.typeError("\(method) arg must be None or str")
        }
    }

    /// `sep.join(items)`: the result's size is known before copying, so its bytes are written once
    /// into a string of exactly that size.
    private func join(_ items: [Value], separator: String) throws -> String {
        var separator = separator
        let separatorLength = separator.utf8.count
        var total = separatorLength * Swift.max(items.count - 1, 0)
        for (index, v) in items.enumerated() {
            guard case .str(let part) = v else {
                throw ScriptError.typeError("sequence item \(index): expected str instance, \(v.typeName) found")
            }
            total += part.utf8.count
        }
        return separator.withUTF8 { separatorBytes in
            String(unsafeUninitializedCapacity: total) { buffer in
                guard let out = buffer.baseAddress else { return 0 }
                var used = 0
                for (index, v) in items.enumerated() {
                    if index > 0, separatorLength > 0 {
                        (out + used).update(from: separatorBytes.baseAddress!, count: separatorLength)
                        used += separatorLength
                    }
                    guard case .str(var part) = v else { continue }
                    part.withUTF8 { bytes in
                        if let source = bytes.baseAddress { (out + used).update(from: source, count: bytes.count) }
                        used += bytes.count
                    }
                }
                return used
            }
        }
    }

    private func strip(_ s: String, _ chars: String?, left: Bool, right: Bool) -> String {
        let scalars = Array(s.unicodeScalars)
        let set = chars.map { Set($0.unicodeScalars) }
        func strippable(_ c: Unicode.Scalar) -> Bool { set.map { $0.contains(c) } ?? c.isPythonWhitespace }
        var a = 0
        var b = scalars.count
        if left { while a < b && strippable(scalars[a]) { a += 1 } }
        if right { while b > a && strippable(scalars[b - 1]) { b -= 1 } }
        if a == 0 && b == scalars.count { return s }
        return String(String.UnicodeScalarView(scalars[a..<b]))
    }

    /// Python's `str.split`: by whitespace runs (no separator) or by an exact separator.
    func splitString(_ s: String, _ sep: String?, maxSplit: Int) throws -> [String] {
        var out: [String] = []
        let scalars = Array(s.unicodeScalars)
        guard let sep else {
            var i = 0
            var splits = 0
            while i < scalars.count {
                while i < scalars.count && scalars[i].isPythonWhitespace { i += 1 }
                if i >= scalars.count { break }
                if maxSplit >= 0 && splits >= maxSplit {
                    var end = scalars.count
                    while end > i && scalars[end - 1].isPythonWhitespace { end -= 1 }
                    out.append(String(String.UnicodeScalarView(scalars[i..<end])))
                    return out
                }
                let start = i
                while i < scalars.count && !scalars[i].isPythonWhitespace { i += 1 }
                out.append(String(String.UnicodeScalarView(scalars[start..<i])))
                splits += 1
            }
            return out
        }
        let needle = Array(sep.unicodeScalars)
        if needle.isEmpty { throw ScriptError.valueError("empty separator") }
        var start = 0
        var i = 0
        var splits = 0
        while i + needle.count <= scalars.count {
            if (maxSplit < 0 || splits < maxSplit) && scalars[i] == needle[0] && Array(scalars[i..<i + needle.count]) == needle {
                out.append(String(String.UnicodeScalarView(scalars[start..<i])))
                i += needle.count
                start = i
                splits += 1
            } else {
                i += 1
            }
        }
        out.append(String(String.UnicodeScalarView(scalars[start...])))
        return out
    }

    private func findIndex(_ s: String, _ needle: String, from: Int, to: Int?, reverse: Bool) -> Int {
        let h = Array(s.unicodeScalars)
        let n = Array(needle.unicodeScalars)
        var start = from < 0 ? max(0, from + h.count) : min(from, h.count)
        var end = to.map { $0 < 0 ? max(0, $0 + h.count) : min($0, h.count) } ?? h.count
        if end - start < n.count { return -1 }
        if n.isEmpty { return reverse ? end : start }
        if reverse {
            end -= n.count
            while end >= start {
                if Array(h[end..<end + n.count]) == n { return end }
                end -= 1
            }
        } else {
            while start + n.count <= end {
                if h[start] == n[0] && Array(h[start..<start + n.count]) == n { return start }
                start += 1
            }
        }
        return -1
    }

    private func countOccurrences(_ s: String, _ needle: String) -> Int {
        let h = Array(s.unicodeScalars)
        let n = Array(needle.unicodeScalars)
        if n.isEmpty { return h.count + 1 }
        var count = 0
        var i = 0
        while i + n.count <= h.count {
            if h[i] == n[0] && Array(h[i..<i + n.count]) == n {
                count += 1
                i += n.count
            } else {
                i += 1
            }
        }
        return count
    }

    private func allScalars(_ s: String, _ test: (Unicode.Scalar) -> Bool) -> Value {
        .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(test))
    }

    private func prefixTest(_ s: String, _ args: Arguments, suffix: Bool) throws -> Value {
        try args.expectPositional(suffix ? "endswith" : "startswith", min: 1, max: 3)
        var target = s
        if args.positional.count > 1 {
            let scalars = Array(s.unicodeScalars)
            var a = args.positional[1].intLike ?? 0
            var b = args.positional.count > 2 ? args.positional[2].intLike ?? scalars.count : scalars.count
            if a < 0 { a = max(0, a + scalars.count) }
            if b < 0 { b = max(0, b + scalars.count) }
            a = min(a, scalars.count)
            b = min(b, scalars.count)
            target = a < b ? String(String.UnicodeScalarView(scalars[a..<b])) : ""
        }
        let candidates: [Value]
        if case .tuple(let t) = args.positional[0] { candidates = t } else { candidates = [args.positional[0]] }
        for c in candidates {
            guard case .str(let p) = c else {
                throw ScriptError.typeError("\(suffix ? "endswith" : "startswith") first arg must be str or a tuple of str, not \(c.typeName)")
            }
            let t = Array(target.unicodeScalars), q = Array(p.unicodeScalars)
            if q.count <= t.count && (suffix ? Array(t.suffix(q.count)) == q : Array(t.prefix(q.count)) == q) { return .bool(true) }
        }
        return .bool(false)
    }

    func strMethod(_ s: String, _ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "split", "rsplit":
            let sep = try args.keyword("sep").flatMap { v -> String? in if case .str(let x) = v { return x }; return nil } ?? stringArgument(args, 0, name)
            let maxSplit = (args.keyword("maxsplit") ?? (args.positional.count > 1 ? args.positional[1] : .int(-1))).intLike ?? -1
            if name == "rsplit" && maxSplit >= 0 {
                let reversedParts = try splitString(String(String.UnicodeScalarView(s.unicodeScalars.reversed())),
                    sep.map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }, maxSplit: maxSplit)
                return .list(ListObject(reversedParts.reversed().map { .str(String(String.UnicodeScalarView($0.unicodeScalars.reversed()))) }))
            }
            return .list(ListObject(try splitString(s, sep, maxSplit: maxSplit).map { .str($0) }))
        case "join":
            try args.expectPositional("str.join", min: 1)
            // Materialized first, as CPython's join does (PySequence_Fast); a list is used in place.
            let items: [Value]
            if case .list(let list) = args.positional[0] { items = list.items } else { items = try iterate(args.positional[0]) }
            return .str(try join(items, separator: s))
        case "strip": return .str(strip(s, try stringArgument(args, 0, name), left: true, right: true))
        case "lstrip": return .str(strip(s, try stringArgument(args, 0, name), left: true, right: false))
        case "rstrip": return .str(strip(s, try stringArgument(args, 0, name), left: false, right: true))
        case "replace":
            try args.expectPositional("replace", min: 2, max: 3)
            guard case .str(let old) = args.positional[0], case .str(let new) = args.positional[1] else {
                throw ScriptError.typeError("replace() argument 1 must be str, not \(args.positional[0].typeName)")
            }
            let limit = args.positional.count > 2 ? args.positional[2].intLike ?? -1 : -1
            if old.isEmpty {
                var out = ""
                var n = 0
                for c in s.unicodeScalars {
                    if limit < 0 || n < limit { out += new; n += 1 }
                    out.unicodeScalars.append(c)
                }
                if limit < 0 || n < limit { out += new }
                return .str(out)
            }
            let parts = try splitString(s, old, maxSplit: limit)
            return .str(parts.joined(separator: new))
        case "startswith": return try prefixTest(s, args, suffix: false)
        case "endswith": return try prefixTest(s, args, suffix: true)
        case "find", "rfind", "index", "rindex":
            try args.expectPositional(name, min: 1, max: 3)
            guard case .str(let needle) = args.positional[0] else {
                throw ScriptError.typeError("must be str, not \(args.positional[0].typeName)")
            }
            let from = args.positional.count > 1 ? args.positional[1].intLike ?? 0 : 0
            let to = args.positional.count > 2 ? args.positional[2].intLike : nil
            let k = findIndex(s, needle, from: from, to: to, reverse: name.hasPrefix("r"))
            if k < 0 && name.hasSuffix("index") { throw ScriptError.valueError("substring not found") }
            return .int(k)
        case "count":
            try args.expectPositional("count", min: 1)
            guard case .str(let needle) = args.positional[0] else {
                throw ScriptError.typeError("must be str, not \(args.positional[0].typeName)")
            }
            return .int(countOccurrences(s, needle))
        case "upper": return .str(s.uppercased())
        case "lower", "casefold": return .str(s.lowercased())
        case "swapcase":
            return .str(String(s.map { c -> String in c.isUppercase ? c.lowercased() : c.uppercased() }.joined()))
        case "title":
            var out = ""
            var previousCased = false
            for c in s {
                out += previousCased ? c.lowercased() : c.uppercased()
                previousCased = c.isLetter
            }
            return .str(out)
        case "capitalize":
            guard let first = s.first else { return .str("") }
            return .str(first.uppercased() + s.dropFirst().lowercased())
        case "isdigit", "isdecimal": return allScalars(s) { $0.properties.numericType == .decimal || ($0.properties.numericType == .digit && name == "isdigit") }
        case "isnumeric": return allScalars(s) { $0.properties.numericType != nil }
        case "isalpha": return allScalars(s) { $0.properties.isAlphabetic }
        case "isalnum": return allScalars(s) { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        case "isspace": return allScalars(s) { $0.isPythonWhitespace }
        case "isascii": return .bool(s.unicodeScalars.allSatisfy { $0.isASCII })
        case "isprintable": return .bool(s.unicodeScalars.allSatisfy(isPrintable))
        case "isupper":
            return .bool(s.contains { $0.isUppercase } && !s.contains { $0.isLowercase })
        case "islower":
            return .bool(s.contains { $0.isLowercase } && !s.contains { $0.isUppercase })
        case "istitle":
            return .bool(s == (try strMethod(s, "title", Arguments()).flatMap { v -> String? in if case .str(let t) = v { return t }; return nil } ?? "") && s.contains { $0.isLetter })
        case "isidentifier":
            guard let first = s.unicodeScalars.first else { return .bool(false) }
            return .bool((first == "_" || first.properties.isXIDStart) && s.unicodeScalars.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue })
        case "format": return .str(try strFormat(s, args))
        case "format_map":
            try args.expectPositional("format_map", min: 1)
            let kw = try mappingItems(args.positional[0], context: "format_map() argument must be a mapping").map { (name: (try? str($0.0)) ?? "", value: $0.1) }
            return .str(try strFormat(s, Arguments([], keywords: kw)))
        case "splitlines":
            let keepEnds = try truthy(args.keyword("keepends") ?? args.positional.first ?? .bool(false))
            var out: [Value] = []
            var current = String.UnicodeScalarView()
            let scalars = Array(s.unicodeScalars)
            var i = 0
            while i < scalars.count {
                let c = scalars[i]
                if c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{1C}" || c == "\u{1D}" || c == "\u{1E}" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" {
                    var end = String.UnicodeScalarView([c])
                    if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" {
                        end.append("\n")
                        i += 1
                    }
                    if keepEnds { current.append(contentsOf: end) }
                    out.append(.str(String(current)))
                    current = String.UnicodeScalarView()
                } else {
                    current.append(c)
                }
                i += 1
            }
            if !current.isEmpty { out.append(.str(String(current))) }
            return .list(ListObject(out))
        case "partition", "rpartition":
            try args.expectPositional(name, min: 1)
            guard case .str(let sep) = args.positional[0] else { throw ScriptError.typeError("must be str, not \(args.positional[0].typeName)") }
            if sep.isEmpty { throw ScriptError.valueError("empty separator") }
            let k = findIndex(s, sep, from: 0, to: nil, reverse: name == "rpartition")
            let scalars = Array(s.unicodeScalars)
            if k < 0 { return name == "partition" ? .tuple([.str(s), .str(""), .str("")]) : .tuple([.str(""), .str(""), .str(s)]) }
            let before = String(String.UnicodeScalarView(scalars[..<k]))
            let after = String(String.UnicodeScalarView(scalars[(k + sep.unicodeScalars.count)...]))
            return .tuple([.str(before), .str(sep), .str(after)])
        case "center", "ljust", "rjust":
            try args.expectPositional(name, min: 1, max: 2)
            let width = args.positional[0].intLike ?? 0
            var fill: Character = " "
            if args.positional.count > 1, case .str(let f) = args.positional[1], let c = f.first { fill = c }
            let n = width - s.unicodeScalars.count
            if n <= 0 { return .str(s) }
            switch name {
            case "ljust": return .str(s + String(repeating: fill, count: n))
            case "rjust": return .str(String(repeating: fill, count: n) + s)
            default:
                let left = n / 2 + (n & width & 1)
                return .str(String(repeating: fill, count: left) + s + String(repeating: fill, count: n - left))
            }
        case "zfill":
            try args.expectPositional("zfill", min: 1)
            let width = args.positional[0].intLike ?? 0
            let n = width - s.unicodeScalars.count
            if n <= 0 { return .str(s) }
            if let f = s.first, f == "-" || f == "+" { return .str(String(f) + String(repeating: "0", count: n) + s.dropFirst()) }
            return .str(String(repeating: "0", count: n) + s)
        case "encode": return .str(s)
        case "removeprefix":
            try args.expectPositional("removeprefix", min: 1)
            guard case .str(let p) = args.positional[0] else { return .str(s) }
            return .str(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
        case "removesuffix":
            try args.expectPositional("removesuffix", min: 1)
            guard case .str(let p) = args.positional[0] else { return .str(s) }
            return .str(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
        case "expandtabs":
            let size = args.positional.first?.intLike ?? 8
            var out = ""
            var column = 0
            for c in s {
                if c == "\t" {
                    let n = size > 0 ? size - column % size : 0
                    out += String(repeating: " ", count: n)
                    column += n
                } else {
                    out.append(c)
                    column = c == "\n" ? 0 : column + 1
                }
            }
            return .str(out)
        default: return nil
        }
    }
}
