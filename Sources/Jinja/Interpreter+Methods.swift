// Python methods templates call on values: `str.strip()`, `str.split()`, `dict.items()`, `dict.get()`…
// List mutators (`append`, `pop`…) raise a security error, as in transformers' ImmutableSandboxedEnvironment.

import Foundation

extension Interpreter {
    /// `value.name` when it names a method of the value's Python type, as a callable bound to the value.
    func boundMethod(_ value: JinjaValue, _ name: String) -> JinjaValue? {
        let body: (@Sendable (JinjaArguments) throws -> JinjaValue)?
        switch value {
        case .string(let s): body = Interpreter.stringMethod(s, name)
        case .object(let o): body = Interpreter.dictMethod(o, name)
        case .array(let a): body = Interpreter.listMethod(a, name)
        case .tuple(let a): body = ["index", "count"].contains(name) ? Interpreter.listMethod(a, name) : nil
        default: body = nil
        }
        return body.map { .function(JinjaFunction(name: "\(value.typeName).\(name)", $0)) }
    }

    // MARK: - str

    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || (0x1c...0x1f).contains(s.value)
    }

    static func strip(_ s: String, _ chars: JinjaValue?, leading: Bool, trailing: Bool) throws -> String {
        let scalars = Array(s.unicodeScalars)
        let test: (Unicode.Scalar) -> Bool
        switch chars {
        case nil, .none?: test = isPythonSpace
        case .string(let set)?:
            let members = Set(set.unicodeScalars)
            test = { members.contains($0) }
        case let other?: throw JinjaError(.type, "strip arg must be None or str, not \(other.typeName)")
        }
        var start = 0
        var end = scalars.count
        if leading { while start < end, test(scalars[start]) { start += 1 } }
        if trailing { while end > start, test(scalars[end - 1]) { end -= 1 } }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// Python `str.split(sep=None, maxsplit=-1)`.
    static func split(_ s: String, _ separator: JinjaValue?, maxSplit: Int) throws -> [String] {
        var parts: [String] = []
        if case .string(let sep)? = separator {
            guard !sep.isEmpty else { throw JinjaError(.type, "empty separator") }
            var rest = Substring(s)
            while maxSplit < 0 || parts.count < maxSplit, let range = rest.range(of: sep) {
                parts.append(String(rest[..<range.lowerBound]))
                rest = rest[range.upperBound...]
            }
            parts.append(String(rest))
            return parts
        }
        // Whitespace splitting drops empty strings.
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            while i < scalars.count, isPythonSpace(scalars[i]) { i += 1 }
            if i == scalars.count { break }
            if maxSplit >= 0 && parts.count == maxSplit {
                var end = scalars.count
                while end > i, isPythonSpace(scalars[end - 1]) { end -= 1 }
                parts.append(String(String.UnicodeScalarView(scalars[i..<end])))
                break
            }
            let start = i
            while i < scalars.count, !isPythonSpace(scalars[i]) { i += 1 }
            parts.append(String(String.UnicodeScalarView(scalars[start..<i])))
        }
        return parts
    }

    /// Python `str.title()`: a letter is uppercased when the previous character is not a cased letter.
    static func pythonTitle(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s {
            if c.isLetter {
                out += previousCased ? c.lowercased() : c.uppercased()
                previousCased = c.isCased
            } else {
                out.append(c)
                previousCased = false
            }
        }
        return out
    }

    /// Python `str.capitalize()`: first character uppercased, the rest lowercased.
    static func pythonCapitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst().lowercased()
    }

    static func stringMethod(_ s: String, _ name: String) -> (@Sendable (JinjaArguments) throws -> JinjaValue)? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return { args in
                .string(try strip(s, args.value(0, "chars"), leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "split", "rsplit":
            return { args in
                let maxSplit = args.value(1, "maxsplit")?.asInt ?? -1
                if name == "rsplit", maxSplit >= 0 {
                    // Split from the right: reverse, split with the reversed separator, reverse back.
                    let reversedSeparator = args.value(0, "sep").map { v -> JinjaValue in
                        if case .string(let sep) = v { return .string(String(sep.reversed())) } else { return v }
                    }
                    let parts = try split(String(s.reversed()), reversedSeparator, maxSplit: maxSplit)
                    return .array(parts.reversed().map { .string(String($0.reversed())) })
                }
                return .array(try split(s, args.value(0, "sep"), maxSplit: maxSplit).map(JinjaValue.string))
            }
        case "splitlines":
            return { args in
                let keepEnds = args.value(0, "keepends")?.isTruthy ?? false
                var lines: [String] = []
                var current = ""
                var iterator = s.unicodeScalars.makeIterator()
                var pending: Unicode.Scalar? = iterator.next()
                while let c = pending {
                    pending = iterator.next()
                    if c == "\n" || c == "\r" || ["\u{b}", "\u{c}", "\u{1c}", "\u{1d}", "\u{1e}", "\u{85}", "\u{2028}", "\u{2029}"].contains(c) {
                        var ending = String(c)
                        if c == "\r", pending == "\n" { ending += "\n"; pending = iterator.next() }
                        lines.append(keepEnds ? current + ending : current)
                        current = ""
                    } else {
                        current.unicodeScalars.append(c)
                    }
                }
                if !current.isEmpty { lines.append(current) }
                return .array(lines.map(JinjaValue.string))
            }
        case "startswith", "endswith":
            return { args in
                guard let argument = args.value(0, "prefix") else { throw JinjaError(.type, "\(name)() takes at least 1 argument") }
                let candidates: [JinjaValue]
                candidates = argument.sequenceItems ?? [argument]
                for candidate in candidates {
                    guard case .string(let affix) = candidate else {
                        throw JinjaError(.type, "\(name) first arg must be str or a tuple of str, not \(candidate.typeName)")
                    }
                    let hit = name == "startswith"
                        ? s.unicodeScalars.starts(with: affix.unicodeScalars)
                        : s.unicodeScalars.reversed().starts(with: affix.unicodeScalars.reversed())
                    if hit { return .bool(true) }
                }
                return .bool(false)
            }
        case "upper": return { _ in .string(s.uppercased()) }
        case "lower": return { _ in .string(s.lowercased()) }
        case "title": return { _ in .string(pythonTitle(s)) }
        case "capitalize": return { _ in .string(pythonCapitalize(s)) }
        case "replace":
            return { args in
                guard case .string(let old)? = args.value(0, "old"), case .string(let new)? = args.value(1, "new") else {
                    throw JinjaError(.type, "replace() expects two strings")
                }
                return .string(replace(s, old, new, count: args.value(2, "count")?.asInt ?? -1))
            }
        case "format":
            return { args in .string(try pythonFormat(s, args)) }
        case "join":
            return { args in
                guard let items = args.value(0, "iterable") else { throw JinjaError(.type, "join() takes exactly one argument") }
                let values: [JinjaValue]
                switch items {
                case .array(let a), .tuple(let a): values = a
                case .string(let t): values = t.unicodeScalars.map { .string(String($0)) }
                case .object(let o): values = o.keys.map(JinjaValue.string)
                default: throw JinjaError(.type, "can only join an iterable")
                }
                return .string(try values.map { v -> String in
                    guard case .string(let t) = v else { throw JinjaError(.type, "sequence item: expected str instance, \(v.typeName) found") }
                    return t
                }.joined(separator: s))
            }
        case "find", "index", "rfind", "count":
            return { args in
                guard case .string(let sub)? = args.value(0, "sub") else { throw JinjaError(.type, "\(name)() argument must be str") }
                let hay = Array(s.unicodeScalars)
                let needle = Array(sub.unicodeScalars)
                var positions: [Int] = []
                if needle.isEmpty {
                    positions = Array(0...hay.count)
                } else if hay.count >= needle.count {
                    var i = 0
                    while i <= hay.count - needle.count {
                        if Array(hay[i..<i + needle.count]) == needle {
                            positions.append(i)
                            if name == "count" { i += needle.count; continue }
                        }
                        i += 1
                    }
                }
                switch name {
                case "count": return .int(positions.count)
                case "rfind": return .int(positions.last ?? -1)
                case "index":
                    guard let p = positions.first else { throw JinjaError(.type, "substring not found") }
                    return .int(p)
                default: return .int(positions.first ?? -1)
                }
            }
        case "isdigit", "isnumeric", "isdecimal":
            return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType != nil }) }
        case "isalpha": return { _ in .bool(!s.isEmpty && s.allSatisfy(\.isLetter)) }
        case "isalnum": return { _ in .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber }) }
        case "isspace": return { _ in .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(isPythonSpace)) }
        case "islower": return { _ in .bool(s.contains(where: \.isCased) && s == s.lowercased()) }
        case "isupper": return { _ in .bool(s.contains(where: \.isCased) && s == s.uppercased()) }
        case "swapcase":
            return { _ in .string(String(s.map { c -> String in c.isUppercase ? c.lowercased() : c.uppercased() }.joined())) }
        default: return nil
        }
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            // Python inserts `new` between every character (and at both ends).
            var pieces = s.unicodeScalars.map { String($0) }
            var out = ""
            var done = 0
            if count != 0 { out += new; done = 1 }
            while !pieces.isEmpty {
                out += pieces.removeFirst()
                if count < 0 || done < count { out += new; done += 1 }
            }
            return out
        }
        var out = ""
        var rest = Substring(s)
        var done = 0
        while count < 0 || done < count, let range = rest.range(of: old) {
            out += rest[..<range.lowerBound] + new
            rest = rest[range.upperBound...]
            done += 1
        }
        return out + rest
    }

    /// Python `str.format`: `{}`, `{0}`, `{name}`, `{x.attr}`-free fields, `!r`/`!s`, and common specs.
    static func pythonFormat(_ format: String, _ args: JinjaArguments) throws -> String {
        var out = ""
        let scalars = Array(format.unicodeScalars)
        var i = 0
        var automatic = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "{" {
                if i + 1 < scalars.count, scalars[i + 1] == "{" { out += "{"; i += 2; continue }
                guard let close = scalars[i...].firstIndex(of: "}") else { throw JinjaError(.type, "Single '{' encountered in format string") }
                var field = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                i = close + 1
                var spec = ""
                if let colon = field.firstIndex(of: ":") {
                    spec = String(field[field.index(after: colon)...])
                    field = String(field[..<colon])
                }
                var conversion: Character?
                if let bang = field.firstIndex(of: "!") {
                    conversion = field[field.index(after: bang)...].first
                    field = String(field[..<bang])
                }
                let value: JinjaValue
                if field.isEmpty {
                    guard automatic < args.positional.count else { throw JinjaError(.type, "Replacement index \(automatic) out of range") }
                    value = args.positional[automatic]
                    automatic += 1
                } else if let index = Int(field) {
                    guard index < args.positional.count else { throw JinjaError(.type, "Replacement index \(index) out of range") }
                    value = args.positional[index]
                } else {
                    guard let v = args.keywords.first(where: { $0.0 == field })?.1 else { throw JinjaError(.type, "KeyError: '\(field)'") }
                    value = v
                }
                var text = conversion == "r" ? value.pythonRepr : value.pythonString
                if !spec.isEmpty { text = try formatSpec(value, spec, text) }
                out += text
            } else if c == "}" {
                if i + 1 < scalars.count, scalars[i + 1] == "}" { out += "}"; i += 2; continue }
                throw JinjaError(.type, "Single '}' encountered in format string")
            } else {
                out.unicodeScalars.append(c)
                i += 1
            }
        }
        return out
    }

    /// A subset of the format-spec mini-language: `[[fill]align][width][.precision][type]`.
    private static func formatSpec(_ value: JinjaValue, _ spec: String, _ text: String) throws -> String {
        var chars = Array(spec)
        var fill: Character = " "
        var align: Character?
        if chars.count >= 2, "<>^".contains(chars[1]) { fill = chars[0]; align = chars[1]; chars.removeFirst(2) }
        else if let first = chars.first, "<>^".contains(first) { align = first; chars.removeFirst() }
        var widthText = ""
        while let c = chars.first, c.isNumber { widthText.append(c); chars.removeFirst() }
        var precision: Int?
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let c = chars.first, c.isNumber { p.append(c); chars.removeFirst() }
            precision = Int(p)
        }
        var body = text
        if let type = chars.first {
            switch type {
            case "f", "e", "g", "%":
                guard var d = value.asDouble else { throw JinjaError(.type, "Unknown format code '\(type)' for \(value.typeName)") }
                if type == "%" { d *= 100 }
                body = String(format: "%.\(precision ?? 6)\(type == "%" ? "f" : String(type))", d) + (type == "%" ? "%" : "")
            case "d":
                guard let n = value.asInt else { throw JinjaError(.type, "Unknown format code 'd' for \(value.typeName)") }
                body = String(n)
            case "s": if let precision { body = String(text.prefix(precision)) }
            default: throw JinjaError(.type, "unsupported format spec '\(spec)'")
            }
        } else if let precision, case .string = value {
            body = String(text.prefix(precision))
        }
        let width = Int(widthText) ?? 0
        let padding = max(0, width - body.count)
        let effectiveAlign = align ?? (value.asDouble != nil && value.stringValue == nil ? ">" : "<")
        switch effectiveAlign {
        case ">": return String(repeating: fill, count: padding) + body
        case "^": return String(repeating: fill, count: padding / 2) + body + String(repeating: fill, count: padding - padding / 2)
        default: return body + String(repeating: fill, count: padding)
        }
    }

    // MARK: - dict and list

    static func dictMethod(_ o: JinjaObject, _ name: String) -> (@Sendable (JinjaArguments) throws -> JinjaValue)? {
        switch name {
        case "items": return { _ in .array(o.pairs.map { .tuple([.string($0.key), $0.value]) }) }
        case "keys": return { _ in .array(o.keys.map(JinjaValue.string)) }
        case "values": return { _ in .array(o.values) }
        case "get":
            return { args in
                guard let key = args.value(0, "key") else { throw JinjaError(.type, "get expected at least 1 argument") }
                return o[key.pythonString] ?? args.value(1, "default") ?? .none
            }
        case "copy": return { _ in .object(o) }
        case "pop", "popitem", "update", "setdefault", "clear":
            return { _ in throw JinjaError(.security, "access to attribute '\(name)' of 'dict' object is unsafe") }
        default: return nil
        }
    }

    static func listMethod(_ a: [JinjaValue], _ name: String) -> (@Sendable (JinjaArguments) throws -> JinjaValue)? {
        switch name {
        case "index":
            return { args in
                guard let needle = args.value(0, "value"), let i = a.firstIndex(where: { $0.pythonEquals(needle) }) else {
                    throw JinjaError(.type, "value is not in list")
                }
                return .int(i)
            }
        case "count":
            return { args in
                guard let needle = args.value(0, "value") else { throw JinjaError(.type, "count() takes exactly one argument") }
                return .int(a.filter { $0.pythonEquals(needle) }.count)
            }
        case "copy": return { _ in .array(a) }
        case "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear":
            return { _ in throw JinjaError(.security, "access to attribute '\(name)' of 'list' object is unsafe") }
        default: return nil
        }
    }
}
