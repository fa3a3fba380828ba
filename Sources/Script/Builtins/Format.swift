#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Format specifications (`format(x, spec)`, f-string `{x:spec}`, `str.format`, `%`)

/// `printf`-style formatting of one double through the C library (exact rounding, as CPython).
func cFormat(_ value: Double, _ type: Character, precision: Int) -> String {
    let format = "%.\(precision)\(type)"
    var buffer = [CChar](repeating: 0, count: 512)
    let n = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    if n >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,_][.precision][type]`.
struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var alternate = false
    var zeroPad = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?

    init(_ spec: String) throws {
        var chars = Array(spec)
        var i = 0
        func isAlign(_ c: Character) -> Bool { c == "<" || c == ">" || c == "^" || c == "=" }
        if chars.count >= 2 && isAlign(chars[1]) {
            fill = chars[0]
            align = chars[1]
            i = 2
        } else if !chars.isEmpty && isAlign(chars[0]) {
            align = chars[0]
            i = 1
        }
        if i < chars.count, chars[i] == "+" || chars[i] == "-" || chars[i] == " " {
            sign = chars[i]
            i += 1
        }
        if i < chars.count, chars[i] == "z" { i += 1 }
        if i < chars.count, chars[i] == "#" {
            alternate = true
            i += 1
        }
        if i < chars.count, chars[i] == "0" {
            zeroPad = true
            i += 1
        }
        var w = ""
        while i < chars.count, chars[i].isASCII, chars[i].isNumber { w.append(chars[i]); i += 1 }
        width = Int(w) ?? 0
        if i < chars.count, chars[i] == "," || chars[i] == "_" {
            grouping = chars[i]
            i += 1
        }
        if i < chars.count, chars[i] == "." {
            i += 1
            var p = ""
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { p.append(chars[i]); i += 1 }
            guard !p.isEmpty else { throw ScriptError.valueError("Format specifier missing precision") }
            precision = Int(p)
        }
        if i < chars.count {
            type = chars[i]
            i += 1
        }
        if i < chars.count {
            chars = Array(spec)
            throw ScriptError.valueError("Invalid format specifier '\(spec)'")
        }
    }

    /// Pads `body` (with its sign split off for `=` alignment) to the width.
    func pad(_ body: String, sign: String = "", numeric: Bool) -> String {
        let total = sign.count + body.count
        guard width > total else { return sign + body }
        let n = width - total
        var align = self.align ?? (numeric ? ">" : "<")
        var fill = self.fill
        if zeroPad && self.align == nil && numeric {
            align = "="
            fill = "0"
        }
        switch align {
        case "<": return sign + body + String(repeating: fill, count: n)
        case "^":
            let left = n / 2
            return String(repeating: fill, count: left) + sign + body + String(repeating: fill, count: n - left)
        case "=": return sign + String(repeating: fill, count: n) + body
        default: return String(repeating: fill, count: n) + sign + body
        }
    }
}

func groupDigits(_ digits: String, _ separator: Character, every: Int = 3) -> String {
    var intPart = Substring(digits)
    var rest = Substring("")
    if let dot = digits.firstIndex(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
        intPart = digits[..<dot]
        rest = digits[dot...]
    }
    var out = ""
    for (k, c) in intPart.reversed().enumerated() {
        if k > 0 && k % every == 0 { out.append(separator) }
        out.append(c)
    }
    return String(out.reversed()) + rest
}

/// Python's `%g`-style layout with its trailing-zero removal.
func formatGeneral(_ x: Double, precision p0: Int, alternate: Bool, upper: Bool, noType: Bool) -> String {
    let p = p0 == 0 ? 1 : p0
    if x.isNaN { return upper ? "NAN" : "nan" }
    if x.isInfinite { return (x < 0 ? "-" : "") + (upper ? "INF" : "inf") }
    let sci = cFormat(x, "e", precision: p - 1)
    let exp = Int(sci[sci.index(after: sci.firstIndex(of: "e")!)...]) ?? 0
    var out: String
    if exp >= -4 && exp < (noType ? p - 1 : p) {
        out = cFormat(x, "f", precision: max(0, p - 1 - exp))
        if !alternate && out.contains(".") {
            while out.last == "0" { out.removeLast() }
            if out.last == "." { out.removeLast() }
        }
        if noType && !out.contains(".") { out += ".0" }
    } else {
        var mantissa = String(sci[..<sci.firstIndex(of: "e")!])
        if !alternate && mantissa.contains(".") {
            while mantissa.last == "0" { mantissa.removeLast() }
            if mantissa.last == "." { mantissa.removeLast() }
        }
        out = mantissa + (exp < 0 ? "e-" : "e+") + String(abs(exp)).leftPadded(2)
    }
    return upper ? out.uppercased() : out
}

extension Interpreter {
    /// `format(value, spec)`.
    public func formatValue(_ v: Value, _ specText: String) throws -> String {
        if specText.isEmpty { return try str(v) }
        let spec = try FormatSpec(specText)
        switch v {
        case .bool(let b) where spec.type == nil: return spec.pad(b ? "True" : "False", numeric: false)
        case .int, .bool:
            let i = v.intLike ?? 0
            return try formatInt(i, spec)
        case .float(let d): return try formatFloat(d, spec)
        case .str(let s):
            if let t = spec.type, t != "s" {
                throw ScriptError.valueError("Unknown format code '\(t)' for object of type 'str'")
            }
            var body = s
            if let p = spec.precision { body = String(s.unicodeScalars.prefix(p).map(Character.init)) }
            return spec.pad(body, numeric: false)
        case .object(let o):
            if let f = try o.floatValue(in: self), spec.type != nil { return try formatFloat(f, spec) }
            return spec.pad(try str(v), numeric: false)
        default:
            if spec.type != nil {
                throw ScriptError.typeError("unsupported format string passed to \(v.typeName).__format__")
            }
            return spec.pad(try str(v), numeric: false)
        }
    }

    private func formatInt(_ i: Int, _ spec: FormatSpec) throws -> String {
        let magnitude = i.magnitude
        var body: String
        switch spec.type {
        case nil, "d", "n": body = String(magnitude)
        case "b": body = (spec.alternate ? "0b" : "") + String(magnitude, radix: 2)
        case "o": body = (spec.alternate ? "0o" : "") + String(magnitude, radix: 8)
        case "x": body = (spec.alternate ? "0x" : "") + String(magnitude, radix: 16)
        case "X": body = (spec.alternate ? "0X" : "") + String(magnitude, radix: 16).uppercased()
        case "c":
            guard let s = Unicode.Scalar(UInt32(truncatingIfNeeded: i)) else { throw ScriptError.overflow("%c arg not in range(0x110000)") }
            return spec.pad(String(s), numeric: false)
        case "e", "E", "f", "F", "g", "G", "%": return try formatFloat(Double(i), spec)
        case let t?:
            throw ScriptError.valueError("Unknown format code '\(t)' for object of type 'int'")
        }
        if let g = spec.grouping {
            body = groupDigits(body, g, every: spec.type == nil || spec.type == "d" ? 3 : 4)
        }
        let sign = i < 0 ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
        return spec.pad(body, sign: sign, numeric: true)
    }

    private func formatFloat(_ d: Double, _ spec: FormatSpec) throws -> String {
        let x = abs(d)
        var body: String
        switch spec.type {
        case "f", "F":
            body = x.isFinite ? cFormat(x, "f", precision: spec.precision ?? 6) : (x.isNaN ? "nan" : "inf")
            if spec.type == "F" { body = body.uppercased() }
        case "e", "E":
            body = x.isFinite ? cFormat(x, "e", precision: spec.precision ?? 6) : (x.isNaN ? "nan" : "inf")
            if spec.type == "E" { body = body.uppercased() }
        case "g", "G":
            body = formatGeneral(x, precision: spec.precision ?? 6, alternate: spec.alternate, upper: spec.type == "G", noType: false)
        case "%":
            body = x.isFinite ? cFormat(x * 100, "f", precision: spec.precision ?? 6) + "%" : (x.isNaN ? "nan%" : "inf%")
        case nil, "n":
            if let p = spec.precision {
                body = formatGeneral(x, precision: p, alternate: spec.alternate, upper: false, noType: true)
            } else {
                body = pythonFloatRepr(x)
            }
        case let t?:
            throw ScriptError.valueError("Unknown format code '\(t)' for object of type 'float'")
        }
        if let g = spec.grouping { body = groupDigits(body, g) }
        let negative = d < 0 || (d == 0 && d.sign == .minus)
        let sign = negative ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
        return spec.pad(body, sign: sign, numeric: true)
    }

    // MARK: %-formatting

    func percentFormat(_ format: String, _ args: Value) throws -> String {
        var values: [Value]
        var mapping: DictObject?
        switch args {
        case .tuple(let t): values = t
        case .dict(let d):
            mapping = d
            values = [args]
        default: values = [args]
        }
        var next = 0
        func nextValue() throws -> Value {
            guard next < values.count else { throw ScriptError.typeError("not enough arguments for format string") }
            defer { next += 1 }
            return values[next]
        }
        let chars = Array(format)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c != "%" {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < chars.count else { throw ScriptError.valueError("incomplete format") }
            var key: String?
            if chars[i] == "(" {
                var depth = 1
                var k = ""
                i += 1
                while i < chars.count {
                    if chars[i] == "(" { depth += 1 }
                    if chars[i] == ")" { depth -= 1; if depth == 0 { break } }
                    k.append(chars[i])
                    i += 1
                }
                i += 1
                key = k
            }
            var flags = ""
            while i < chars.count, "-+ #0".contains(chars[i]) { flags.append(chars[i]); i += 1 }
            var width = ""
            if i < chars.count, chars[i] == "*" {
                width = String(try nextValue().intLike ?? 0)
                i += 1
            } else {
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { width.append(chars[i]); i += 1 }
            }
            var precision: String?
            if i < chars.count, chars[i] == "." {
                i += 1
                var p = ""
                if i < chars.count, chars[i] == "*" {
                    p = String(try nextValue().intLike ?? 0)
                    i += 1
                } else {
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { p.append(chars[i]); i += 1 }
                }
                precision = p.isEmpty ? "0" : p
            }
            guard i < chars.count else { throw ScriptError.valueError("incomplete format") }
            let type = chars[i]
            i += 1
            if type == "%" {
                out.append("%")
                continue
            }
            let value: Value
            if let key {
                guard let mapping else { throw ScriptError.typeError("format requires a mapping") }
                guard let v = try mapping.get(.str(key)) else { throw ScriptError.keyError(.str(key)) }
                value = v
            } else {
                value = try nextValue()
            }
            var spec = ""
            if flags.contains("-") { spec += "<" } else if !flags.contains("0") || "sr".contains(type) { spec += ">" }
            if flags.contains("+") { spec += "+" } else if flags.contains(" ") { spec += " " }
            if flags.contains("#") { spec += "#" }
            if flags.contains("0") && !flags.contains("-") { spec += "0" }
            spec += width
            switch type {
            case "s": out += try formatValue(.str(try str(value)), spec + (precision.map { "." + $0 } ?? ""))
            case "r": out += try formatValue(.str(try repr(value)), spec + (precision.map { "." + $0 } ?? ""))
            case "a": out += try formatValue(.str(asciiEscaped(try repr(value))), spec)
            case "d", "i", "u":
                guard let n = try toIntForFormat(value, type) else {
                    throw ScriptError.typeError("%\(type) format: a real number is required, not \(value.typeName)")
                }
                out += try formatValue(.int(n), spec + "d")
            case "x", "X", "o":
                guard let n = value.intLike else {
                    throw ScriptError.typeError("%\(type) format: an integer is required, not \(value.typeName)")
                }
                out += try formatValue(.int(n), spec + String(type))
            case "e", "E", "f", "F", "g", "G":
                guard let d = value.numericValue else {
                    throw ScriptError.typeError("must be real number, not \(value.typeName)")
                }
                out += try formatValue(.float(d), spec + "." + (precision ?? "6") + String(type))
            case "c":
                if case .str(let s) = value { out += s } else { out += try formatValue(value, spec + "c") }
            default:
                throw ScriptError.valueError("unsupported format character '\(type)' (0x\(String(type.unicodeScalars.first!.value, radix: 16))) at index \(i - 1)")
            }
        }
        if mapping == nil && next < values.count {
            throw ScriptError.typeError("not all arguments converted during string formatting")
        }
        return out
    }

    private func toIntForFormat(_ v: Value, _ type: Character) throws -> Int? {
        if let i = v.intLike { return i }
        if case .float(let d) = v {
            guard d.isFinite else { throw ScriptError.overflow("cannot convert float infinity to integer") }
            return Int(d)
        }
        return nil
    }

    // MARK: str.format

    func strFormat(_ format: String, _ args: Arguments) throws -> String {
        let chars = Array(format)
        var out = ""
        var i = 0
        var autoIndex = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" {
                    out.append("{")
                    i += 2
                    continue
                }
                var depth = 1
                var field = ""
                i += 1
                while i < chars.count {
                    if chars[i] == "{" { depth += 1 }
                    if chars[i] == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    field.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw ScriptError.valueError("expected '}' before end of string") }
                i += 1
                out += try formatField(field, args, &autoIndex)
            } else if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else {
                    throw ScriptError.valueError("Single '}' encountered in format string")
                }
                out.append("}")
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    private func formatField(_ field: String, _ args: Arguments, _ autoIndex: inout Int) throws -> String {
        var name = field
        var spec = ""
        var conversion: Character?
        if let colon = field.firstIndex(of: ":") {
            name = String(field[..<colon])
            spec = String(field[field.index(after: colon)...])
        }
        if let bang = name.firstIndex(of: "!") {
            conversion = name[name.index(after: bang)...].first
            name = String(name[..<bang])
        }
        if spec.contains("{") { spec = try strFormat(spec, args) }
        // Split the field name into the first part and `.attr` / `[key]` accessors.
        var head = ""
        var rest = Substring(name)
        while let c = rest.first, c != "." && c != "[" {
            head.append(c)
            rest = rest.dropFirst()
        }
        var value: Value
        if head.isEmpty {
            guard autoIndex < args.positional.count else {
                throw ScriptError.indexError("Replacement index \(autoIndex) out of range for positional args tuple")
            }
            value = args.positional[autoIndex]
            autoIndex += 1
        } else if let n = Int(head) {
            guard n < args.positional.count else {
                throw ScriptError.indexError("Replacement index \(n) out of range for positional args tuple")
            }
            value = args.positional[n]
        } else {
            guard let v = args.keyword(head) else { throw ScriptError.keyError(.str(head)) }
            value = v
        }
        while let c = rest.first {
            if c == "." {
                rest = rest.dropFirst()
                var attr = ""
                while let d = rest.first, d != "." && d != "[" { attr.append(d); rest = rest.dropFirst() }
                value = try getAttribute(value, attr)
            } else {
                rest = rest.dropFirst()
                var key = ""
                while let d = rest.first, d != "]" { key.append(d); rest = rest.dropFirst() }
                rest = rest.dropFirst()
                value = try getItem(value, Int(key).map { .int($0) } ?? .str(key))
            }
        }
        switch conversion {
        case "r": value = .str(try repr(value))
        case "s": value = .str(try str(value))
        case "a": value = .str(asciiEscaped(try repr(value)))
        default: break
        }
        return try formatValue(value, spec)
    }
}
