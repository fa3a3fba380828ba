// Jinja's built-in filters (the ones chat templates use), with `tojson` replaced by transformers'
// version: `json.dumps(x, ensure_ascii=False, indent=…, separators=…, sort_keys=…)`, no HTML escaping.

import Foundation

extension Interpreter {
    func applyFilter(_ name: String, to value: JinjaValue, _ arguments: [Argument], _ scope: Scope) throws -> JinjaValue {
        try filter(name, value, try evaluateArguments(arguments, scope))
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func filter(_ name: String, _ value: JinjaValue, _ args: JinjaArguments) throws -> JinjaValue {
        switch name {
        case "abs":
            switch value {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw JinjaError(.type, "bad operand type for abs(): '\(value.typeName)'")
            }
        case "attr":
            guard case .string(let attributeName)? = args.value(0, "name") else { throw JinjaError(.type, "attr filter needs a name") }
            return attribute(of: value, attributeName)
        case "batch":
            guard let size = args.value(0, "linecount")?.asInt, size > 0 else { throw JinjaError(.type, "batch needs a positive size") }
            let fill = args.value(1, "fill_with")
            var batches: [JinjaValue] = []
            var current: [JinjaValue] = []
            for item in try iterate(value) {
                current.append(item)
                if current.count == size { batches.append(.array(current)); current = [] }
            }
            if !current.isEmpty {
                if let fill, !fill.isNone { current += Array(repeating: fill, count: size - current.count) }
                batches.append(.array(current))
            }
            return .array(batches)
        case "capitalize":
            return .string(Interpreter.pythonCapitalize(value.pythonString))
        case "center":
            let width = args.value(0, "width")?.asInt ?? 80
            let s = value.pythonString
            let total = max(0, width - s.unicodeScalars.count)
            // CPython's padding split for str.center.
            let left = total / 2 + (total & width & 1)
            return .string(String(repeating: " ", count: left) + s + String(repeating: " ", count: total - left))
        case "count", "length":
            return .int(try length(value))
        case "d", "default":
            let fallback = args.value(0, "default_value") ?? .string("")
            let boolean = args.value(1, "boolean")?.isTruthy ?? false
            if value.isUndefined || (boolean && !value.isTruthy) { return fallback }
            return value
        case "dictsort":
            guard case .object(let object) = value else { throw JinjaError(.type, "dictsort expects a mapping, got \(value.typeName)") }
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let byValue = args.value(1, "by")?.stringValue == "value"
            let reverse = args.value(2, "reverse")?.isTruthy ?? false
            let pairs = object.pairs.map { JinjaValue.tuple([.string($0.key), $0.value]) }
            return .array(try sorted(pairs, reverse: reverse) { pair in
                let v = self.item(of: pair, .int(byValue ? 1 : 0))
                return caseSensitive ? v : Interpreter.lowercasedIfString(v)
            })
        case "e", "escape", "forceescape":
            return .string(Interpreter.htmlEscape(value.pythonString))
        case "first":
            return try iterate(value).first ?? .undefined
        case "last":
            if case .string(let s) = value { return s.unicodeScalars.last.map { .string(String($0)) } ?? .undefined }
            return try iterate(value).last ?? .undefined
        case "float":
            let fallback = args.value(0, "default") ?? .double(0)
            switch value {
            case .double: return value
            case .int(let i): return .double(Double(i))
            case .bool(let b): return .double(b ? 1 : 0)
            case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).map(JinjaValue.double) ?? fallback
            default: return fallback
            }
        case "int":
            let fallback = args.value(0, "default") ?? .int(0)
            let base = args.value(1, "base")?.asInt ?? 10
            switch value {
            case .int: return value
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return d.isFinite ? .int(Int(d.rounded(.towardZero))) : fallback
            case .string(let raw):
                var s = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "").lowercased()
                var sign = 1
                if s.hasPrefix("-") || s.hasPrefix("+") { sign = s.hasPrefix("-") ? -1 : 1; s.removeFirst() }
                // Python's int(text, base) accepts 0x/0o/0b prefixes matching the base; base 0 infers it.
                var radix = base
                for (prefix, prefixRadix) in [("0x", 16), ("0o", 8), ("0b", 2)] where s.hasPrefix(prefix) && (base == prefixRadix || base == 0) {
                    s.removeFirst(2)
                    radix = prefixRadix
                }
                if radix == 0 { radix = 10 }
                if (2...36).contains(radix), let i = Int(s, radix: radix) { return .int(sign * i) }
                if base == 10, let d = Double(s), d.isFinite { return .int(Int(d.rounded(.towardZero))) }
                return fallback
            default: return fallback
            }
        case "format":
            let format = value.pythonString
            if !args.keywords.isEmpty { return .string(try percentFormat(format, .object(JinjaObject(args.keywords)))) }
            return .string(try percentFormat(format, .tuple(args.positional)))
        case "indent":
            return .string(try indent(value.pythonString, args))
        case "items":
            switch value {
            case .undefined: return .array([])
            case .object(let object): return .array(object.pairs.map { .tuple([.string($0.key), $0.value]) })
            default: throw JinjaError(.type, "items filter expects a mapping, got \(value.typeName)")
            }
        case "join":
            let separator = args.value(0, "d")?.pythonString ?? ""
            var items = try iterate(value)
            if let attribute = args.value(1, "attribute") { items = items.map { lookup($0, attribute) } }
            return .string(items.map(\.pythonString).joined(separator: separator))
        case "list":
            return .array(try iterate(value))
        case "lower":
            return .string(value.pythonString.lowercased())
        case "upper":
            return .string(value.pythonString.uppercased())
        case "map":
            // Jinja's map/select family skip falsy inputs (`if value: for item in value`), so None maps to [].
            guard value.isTruthy else { return .array([]) }
            return .array(try mapItems(try iterate(value), args))
        case "max", "min":
            let items = try iterate(value)
            guard !items.isEmpty else { return .undefined }
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(1, "attribute")
            let ordered = try sorted(items, reverse: false) { item in
                let v = attribute.map { self.lookup(item, $0) } ?? item
                return caseSensitive ? v : Interpreter.lowercasedIfString(v)
            }
            // Python's max returns the first maximal element; a stable sort puts it last among equals.
            if name == "min" { return ordered[0] }
            let keyOf = { (item: JinjaValue) -> JinjaValue in
                let v = attribute.map { self.lookup(item, $0) } ?? item
                return caseSensitive ? v : Interpreter.lowercasedIfString(v)
            }
            let top = keyOf(ordered[ordered.count - 1])
            return ordered.first { keyOf($0).pythonEquals(top) } ?? ordered[ordered.count - 1]
        case "pprint":
            return .string(value.pythonRepr)
        case "reject", "select":
            guard value.isTruthy else { return .array([]) }
            return .array(try selectItems(try iterate(value), args, byAttribute: false, keep: name == "select"))
        case "rejectattr", "selectattr":
            guard value.isTruthy else { return .array([]) }
            return .array(try selectItems(try iterate(value), args, byAttribute: true, keep: name == "selectattr"))
        case "replace":
            guard let old = args.value(0, "old"), let new = args.value(1, "new") else { throw JinjaError(.type, "replace needs old and new") }
            let count = args.value(2, "count").flatMap { $0.isNone ? nil : $0.asInt } ?? -1
            return .string(Interpreter.replace(value.pythonString, old.pythonString, new.pythonString, count: count))
        case "reverse":
            if case .string(let s) = value { return .string(String(s.unicodeScalars.reversed().map(Character.init))) }
            return .array(try iterate(value).reversed())
        case "round":
            let precision = args.value(0, "precision")?.asInt ?? 0
            let method = args.value(1, "method")?.stringValue ?? "common"
            guard let d = value.asDouble else { throw JinjaError(.type, "round expects a number, got \(value.typeName)") }
            // Python's round(int, n) keeps an int; floor/ceil go through float division.
            if method == "common", case .int = value, precision >= 0 { return value }
            return .double(try round(d, precision: precision, method: method))
        case "safe", "string":
            if case .string = value { return value }
            return .string(value.pythonString)
        case "sort":
            let reverse = args.value(0, "reverse")?.isTruthy ?? false
            let caseSensitive = args.value(1, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(2, "attribute")
            return .array(try sorted(try iterate(value), reverse: reverse) { item in
                let v = attribute.map { self.lookup(item, $0) } ?? item
                return caseSensitive ? v : Interpreter.lowercasedIfString(v)
            })
        case "sum":
            let attribute = args.value(0, "attribute")
            var total = args.value(1, "start") ?? .int(0)
            for item in try iterate(value) {
                total = try binary(.add, total, attribute.map { lookup(item, $0) } ?? item)
            }
            return total
        case "title":
            return .string(Interpreter.jinjaTitle(value.pythonString))
        case "tojson":
            return .string(try value.jsonDumps(try jsonOptions(args)))
        case "trim":
            return .string(try Interpreter.strip(value.pythonString, args.value(0, "chars"), leading: true, trailing: true))
        case "truncate":
            let s = value.pythonString
            let length = args.value(0, "length")?.asInt ?? 255
            let killWords = args.value(1, "killwords")?.isTruthy ?? false
            let end = args.value(2, "end")?.pythonString ?? "..."
            let leeway = args.value(3, "leeway")?.asInt ?? 5
            let scalars = Array(s.unicodeScalars)
            if scalars.count <= length + leeway { return .string(s) }
            let cut = max(0, length - end.unicodeScalars.count)
            var kept = String(String.UnicodeScalarView(scalars[..<cut]))
            if !killWords, let space = kept.lastIndex(of: " ") { kept = String(kept[..<space]) }
            return .string(kept + end)
        case "unique":
            let caseSensitive = args.value(0, "case_sensitive")?.isTruthy ?? false
            let attribute = args.value(1, "attribute")
            var seen: [JinjaValue] = []
            var result: [JinjaValue] = []
            for item in try iterate(value) {
                var key = attribute.map { lookup(item, $0) } ?? item
                if !caseSensitive { key = Interpreter.lowercasedIfString(key) }
                if !seen.contains(where: { $0.pythonEquals(key) }) {
                    seen.append(key)
                    result.append(item)
                }
            }
            return .array(result)
        case "wordcount":
            var count = 0
            var inWord = false
            for c in value.pythonString {
                let isWordCharacter = c.isLetter || c.isNumber || c == "_"
                if isWordCharacter && !inWord { count += 1 }
                inWord = isWordCharacter
            }
            return .int(count)
        case "striptags":
            var out = ""
            var inTag = false
            for c in value.pythonString {
                if c == "<" { inTag = true } else if c == ">" && inTag { inTag = false } else if !inTag { out.append(c) }
            }
            return .string(try Interpreter.split(out, nil, maxSplit: -1).joined(separator: " "))
        default:
            throw JinjaError(.runtime, "no filter named '\(name)'")
        }
    }

    // MARK: - Helpers

    func length(_ value: JinjaValue) throws -> Int {
        switch value {
        case .string(let s): return s.unicodeScalars.count
        case .array(let a), .tuple(let a): return a.count
        case .object(let o), .namespace(let o): return o.count
        case .undefined: return 0
        default: throw JinjaError(.type, "object of type '\(value.typeName)' has no len()")
        }
    }

    static func lowercasedIfString(_ value: JinjaValue) -> JinjaValue {
        if case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    /// Jinja's attribute lookup for `attribute=` arguments: dotted paths, integer parts index lists.
    func lookup(_ item: JinjaValue, _ attribute: JinjaValue) -> JinjaValue {
        if let index = attribute.asInt { return self.item(of: item, .int(index)) }
        var current = item
        for part in attribute.pythonString.split(separator: ".", omittingEmptySubsequences: false) {
            if let index = Int(part) { current = self.item(of: current, .int(index)) } else { current = self.item(of: current, .string(String(part))) }
        }
        return current
    }

    /// A stable sort with Python ordering of the keys.
    func sorted(_ items: [JinjaValue], reverse: Bool, key: (JinjaValue) throws -> JinjaValue) throws -> [JinjaValue] {
        let keyed = try items.enumerated().map { (offset: $0.offset, key: try key($0.element), value: $0.element) }
        var failure: Error?
        let ordered = keyed.sorted { a, b in
            do {
                let c = try a.key.pythonCompare(b.key)
                if c == 0 { return a.offset < b.offset }
                return reverse ? c > 0 : c < 0
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return ordered.map(\.value)
    }

    private func mapItems(_ items: [JinjaValue], _ args: JinjaArguments) throws -> [JinjaValue] {
        if let attribute = args.keywords.first(where: { $0.0 == "attribute" })?.1 {
            let fallback = args.keywords.first { $0.0 == "default" }?.1
            return items.map { item in
                let v = lookup(item, attribute)
                if v.isUndefined, let fallback { return fallback }
                return v
            }
        }
        guard case .string(let filterName)? = args.positional.first else {
            throw JinjaError(.type, "map needs a filter name or attribute=")
        }
        let rest = JinjaArguments(positional: Array(args.positional.dropFirst()), keywords: args.keywords)
        return try items.map { try filter(filterName, $0, rest) }
    }

    private func selectItems(_ items: [JinjaValue], _ args: JinjaArguments, byAttribute: Bool, keep: Bool) throws -> [JinjaValue] {
        var positional = args.positional[...]
        var attribute: JinjaValue?
        if byAttribute {
            guard let first = positional.first else { throw JinjaError(.type, "selectattr/rejectattr need an attribute name") }
            attribute = first
            positional = positional.dropFirst()
        }
        let testName = positional.first?.stringValue
        let testArguments = Array(positional.dropFirst())
        return try items.filter { item in
            let subject = attribute.map { lookup(item, $0) } ?? item
            let passed = try testName.map { try applyTest($0, to: subject, testArguments) } ?? subject.isTruthy
            return passed == keep
        }
    }

    private func jsonOptions(_ args: JinjaArguments) throws -> JSONDumpOptions {
        var options = JSONDumpOptions()
        options.ensureASCII = args.value(0, "ensure_ascii")?.isTruthy ?? false
        switch args.value(1, "indent") {
        case .int(let n)?: options.indent = String(repeating: " ", count: max(0, n))
        case .string(let s)?: options.indent = s
        case nil, .none?: break
        case let other?: throw JinjaError(.type, "tojson indent must be an int or a string, not \(other.typeName)")
        }
        if let pair = args.value(2, "separators")?.sequenceItems, pair.count == 2 {
            options.itemSeparator = pair[0].pythonString
            options.keySeparator = pair[1].pythonString
        }
        options.sortKeys = args.value(3, "sort_keys")?.isTruthy ?? false
        return options
    }

    /// Jinja's `indent(width=4, first=False, blank=False)`; `width` may be a string.
    private func indent(_ text: String, _ args: JinjaArguments) throws -> String {
        let indentation: String
        switch args.value(0, "width") {
        case .string(let s)?: indentation = s
        case let v?: indentation = String(repeating: " ", count: max(0, v.asInt ?? 4))
        case nil: indentation = "    "
        }
        let first = args.value(1, "first")?.isTruthy ?? false
        let blank = args.value(2, "blank")?.isTruthy ?? false
        guard case .array(let parts) = try Interpreter.stringMethod(text + "\n", "splitlines")?(JinjaArguments()) else { return text }
        let lines = parts.map(\.pythonString)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.first ?? ""
            let rest = lines.dropFirst()
            if !rest.isEmpty {
                result += "\n" + rest.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        return first ? indentation + result : result
    }

    /// Jinja's `round`: 'common' is Python's round (half to even on the exact binary value), or floor/ceil.
    private func round(_ d: Double, precision: Int, method: String) throws -> Double {
        switch method {
        case "common":
            if precision == 0 { return d.rounded(.toNearestOrEven) }
            // C's printf rounds the exact binary value correctly, as CPython's round does.
            return Double(String(format: "%.\(max(0, precision))f", d)) ?? d
        case "floor", "ceil":
            let scale = pow(10, Double(precision))
            return (method == "floor" ? (d * scale).rounded(.down) : (d * scale).rounded(.up)) / scale
        default:
            throw JinjaError(.type, "method must be common, ceil or floor")
        }
    }

    /// Jinja's `title` filter: capitalizes words split on whitespace and `-([{<`.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var word = ""
        func flush() {
            if let first = word.first { out += first.uppercased() + word.dropFirst().lowercased() }
            word = ""
        }
        var inSeparator = false
        var separator = ""
        for c in s {
            let isSeparator = c.isWhitespace || "-({[<".contains(c)
            if isSeparator {
                if !inSeparator { flush() }
                separator.append(c)
                inSeparator = true
            } else {
                if inSeparator { out += separator; separator = "" }
                inSeparator = false
                word.append(c)
            }
        }
        flush()
        out += separator
        return out
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
