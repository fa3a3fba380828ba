import Script
import Tensors

// MARK: - Printing arrays as numpy prints them
//
// numpy 2's `repr`/`str` of an ndarray with the default print options (numpy/_core/arrayprint.py):
// precision 8 in 'maxprec' mode, summarization above 1000 elements with 3 edge items, lines of 75
// characters. Floats are fitted to the shown values first (FloatingFormat.fillFormat): one common
// positional or scientific layout, each value in its shortest round-trip digits for its dtype,
// integral values with a trailing `.`; then the nested brackets are laid out (_formatArray).

enum NumpyFormat {
    static let precision = 8
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 75

    /// `array([[1., 2.],\n       [3., 4.]], dtype=float32)`.
    static func repr(_ t: Tensor, dtypeName: String) -> String {
        let prefix = "array("
        var extras: [String] = []
        let body: String
        if t.count == 0 {
            body = "[]"
            if t.shape != [0] { extras.append("shape=" + shapeTuple(t.shape)) }
        } else {
            body = render(t, dtypeName: dtypeName, separator: ", ", prefix: prefix, lineWidth: lineWidth - 1)
            if t.count > threshold { extras.append("shape=" + shapeTuple(t.shape)) }
        }
        if !["float64", "int64", "bool"].contains(dtypeName) || t.count == 0 { extras.append("dtype=" + dtypeName) }
        if extras.isEmpty { return prefix + body + ")" }
        let head = prefix + body + ","
        let extra = extras.joined(separator: ", ") + ")"
        let lastLine = head.split(separator: "\n", omittingEmptySubsequences: false).last.map(\.count) ?? head.count
        let spacer = lastLine + extra.count + 1 > lineWidth ? "\n" + String(repeating: " ", count: prefix.count) : " "
        return head + spacer + extra
    }

    /// `print(arr)`: `[[1. 2.]\n [3. 4.]]`; a 0-d array prints as its scalar.
    static func str(_ t: Tensor, dtypeName: String) -> String {
        if t.rank == 0 { return scalarString(t, dtypeName: dtypeName) }
        if t.count == 0 { return "[]" }
        return render(t, dtypeName: dtypeName, separator: " ", prefix: "", lineWidth: lineWidth)
    }

    /// `str()` of a numpy scalar (`np.max(a)` prints `4.0`): Python's float/int/bool text.
    static func scalarString(_ t: Tensor, dtypeName: String) -> String {
        guard let v = try? t.item() else { return "" }
        switch t.dtype {
        case .bool: return v != 0 ? "True" : "False"
        case .float32: return dtypeName == "float64" ? pythonFloat(Double(Float(v))) : pythonFloat(Float(v))
        case .float16, .bfloat16: return pythonFloat(Float(v))
        default: return String(Int(v))
        }
    }

    static func shapeTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    // MARK: Layout (_formatArray)

    private static func render(_ t: Tensor, dtypeName: String, separator: String, prefix: String, lineWidth: Int) -> String {
        let summarize = t.count > threshold
        let dense = t.contiguous()
        let shape = dense.shape
        // The positions shown along each axis (all of them, or the edge items around "...").
        let shown: [[Int]] = shape.map { n in summarize && 2 * edgeItems < n ? Array(0..<edgeItems) + Array((n - edgeItems)..<n) : Array(0..<n) }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        var flat: [Int] = [0]
        for axis in 0..<shape.count { flat = flat.flatMap { base in shown[axis].map { base + $0 * strides[axis] } } }
        let formatter = ElementFormatter(dense, dtypeName: dtypeName, shownFlatIndices: flat)
        let summaryInsert = summarize ? "..." : ""
        let nextLinePrefix = " " + String(repeating: " ", count: prefix.count)

        func recurse(_ index: [Int], _ hangingIndent: String, _ currentWidth: Int) -> String {
            let axis = index.count
            let axesLeft = shape.count - axis
            if axesLeft == 0 {
                var position = 0
                for (a, i) in index.enumerated() { position += (i < 0 ? shape[a] + i : i) * strides[a] }
                return formatter.format(position)
            }
            let nextHangingIndent = hangingIndent + " "
            let nextWidth = currentWidth - 1
            let length = shape[axis]
            let showSummary = !summaryInsert.isEmpty && 2 * edgeItems < length
            let leading = showSummary ? edgeItems : 0
            let trailing = showSummary ? edgeItems : length
            var s = ""
            if axesLeft == 1 {
                let trimmedSeparator = separator.trimmingTrailingSpaces
                let elementWidth = currentWidth - max(trimmedSeparator.count, 1)
                var line = hangingIndent
                for i in 0..<leading {
                    extend(&s, &line, recurse(index + [i], nextHangingIndent, nextWidth), elementWidth, hangingIndent)
                    line += separator
                }
                if showSummary {
                    extend(&s, &line, summaryInsert, elementWidth, hangingIndent)
                    line += separator
                }
                for i in stride(from: trailing, to: 1, by: -1) {
                    extend(&s, &line, recurse(index + [-i], nextHangingIndent, nextWidth), elementWidth, hangingIndent)
                    line += separator
                }
                extend(&s, &line, recurse(index + [-1], nextHangingIndent, nextWidth), elementWidth, hangingIndent)
                s += line
            } else {
                let lineSeparator = separator.trimmingTrailingSpaces + String(repeating: "\n", count: axesLeft - 1)
                for i in 0..<leading {
                    s += hangingIndent + recurse(index + [i], nextHangingIndent, nextWidth) + lineSeparator
                }
                if showSummary { s += hangingIndent + summaryInsert + lineSeparator }
                for i in stride(from: trailing, to: 1, by: -1) {
                    s += hangingIndent + recurse(index + [-i], nextHangingIndent, nextWidth) + lineSeparator
                }
                s += hangingIndent + recurse(index + [-1], nextHangingIndent, nextWidth)
            }
            return "[" + String(s.dropFirst(hangingIndent.count)) + "]"
        }
        return recurse([], nextLinePrefix, lineWidth)
    }

    /// _extendLine: wrap before `word` when it would pass the width (unless the line holds nothing yet).
    private static func extend(_ s: inout String, _ line: inout String, _ word: String, _ width: Int, _ nextLinePrefix: String) {
        if line.count + word.count > width && line.count > nextLinePrefix.count {
            s += line.trimmingTrailingSpaces + "\n"
            line = nextLinePrefix
        }
        line += word
    }
}

// MARK: - Element formats (FloatingFormat, IntegerFormat, BoolFormat)

private struct ElementFormatter {
    enum Kind { case bool, integer(width: Int), floating(FloatLayout) }
    let kind: Kind
    let doubles: [Double]
    let digitsOf: (Double) -> ShortestDigits

    init(_ dense: Tensor, dtypeName: String, shownFlatIndices: [Int]) {
        switch dense.dtype {
        case .bool:
            doubles = dense.bools().map { $0 ? 1 : 0 }
            kind = .bool
            digitsOf = { ShortestDigits(Float($0)) }
        case .int64, .int32, .uint8:
            let ints = dense.int64s()
            doubles = ints.map(Double.init)
            let shown = shownFlatIndices.map { ints[$0] }
            let width = max(String(shown.max() ?? 0).count, String(shown.min() ?? 0).count)
            kind = .integer(width: width)
            digitsOf = { ShortestDigits(Float($0)) }
        case .float16, .bfloat16:
            let values = dense.floats().map(Double.init)
            let digits: (Double) -> ShortestDigits = { ShortestDigits(Float16(Float($0))) }
            doubles = values
            digitsOf = digits
            kind = .floating(FloatLayout(shownFlatIndices.map { values[$0] }, cutoff: 1e3, digitsOf: digits))
        case .float32:
            let values = dense.floats().map(Double.init)
            // Arrays numpy would hold as float64 are stored as float32 here: their digits are still
            // the float32 shortest ones (what the value was meant to be), the exponent cutoff float64's.
            let digits: (Double) -> ShortestDigits = { ShortestDigits(Float($0)) }
            doubles = values
            digitsOf = digits
            kind = .floating(FloatLayout(shownFlatIndices.map { values[$0] }, cutoff: dtypeName == "float64" ? 1e8 : 1e6,
                                         digitsOf: digits))
        }
    }

    func format(_ position: Int) -> String {
        let v = doubles[position]
        switch kind {
        case .bool: return v != 0 ? " True" : "False"
        case .integer(let width): return String(Int64(v)).leftPadded(to: width)
        case .floating(let layout): return layout.format(v, digitsOf)
        }
    }
}

/// The common layout of the shown floats (FloatingFormat.fillFormat with 'maxprec').
private struct FloatLayout {
    var scientific = false
    var padLeft = 0
    var padRight = 0
    var precision = NumpyFormat.precision
    var exponentDigits = 2

    init(_ values: [Double], cutoff: Double, digitsOf: (Double) -> ShortestDigits) {
        let finite = values.filter { $0.isFinite }
        let nonZero = finite.filter { $0 != 0 }.map(abs)
        if let maxValue = nonZero.max(), let minValue = nonZero.min() {
            scientific = maxValue >= cutoff || minValue < 0.0001 || maxValue / minValue > 1000
        }
        if finite.isEmpty {
            padLeft = 0
            padRight = 0
        } else if scientific {
            let parts = finite.map { digitsOf($0).scientific(precision: NumpyFormat.precision, minDigits: 0, exponentDigits: 2) }
            precision = parts.map(\.fraction.count).max() ?? 0
            // `e-05`: the digits after "e" and the sign.
            exponentDigits = max(2, (parts.map(\.exponent.count).max() ?? 4) - 2)
            padLeft = parts.map(\.integer.count).max() ?? 1
            padRight = exponentDigits + 2 + precision
        } else {
            let parts = finite.map { digitsOf($0).positional(precision: NumpyFormat.precision) }
            padLeft = parts.map(\.integer.count).max() ?? 1
            padRight = parts.map(\.fraction.count).max() ?? 0
        }
        if finite.count != values.count {
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 }
            padLeft = max(padLeft, 3 - (padRight + 1), 3 + (negativeInfinity ? 1 : 0) - (padRight + 1))
        }
    }

    func format(_ v: Double, _ digitsOf: (Double) -> ShortestDigits) -> String {
        if !v.isFinite {
            let text = v.isNaN ? "nan" : v < 0 ? "-inf" : "inf"
            return text.leftPadded(to: padLeft + padRight + 1)
        }
        let d = digitsOf(v)
        if scientific {
            let p = d.scientific(precision: precision, minDigits: precision, exponentDigits: exponentDigits)
            return p.integer.leftPadded(to: padLeft) + "." + p.fraction + p.exponent
        }
        let p = d.positional(precision: precision)
        return p.integer.leftPadded(to: padLeft) + "." + p.fraction.rightPadded(to: padRight)
    }
}

/// A finite value's shortest round-trip decimal digits for its dtype: value = 0.d₁d₂… × 10^point.
struct ShortestDigits {
    var negative: Bool
    var digits: [UInt8]
    var point: Int

    init<F: BinaryFloatingPoint & CustomStringConvertible>(_ x: F) {
        negative = x.sign == .minus
        // Swift prints the shortest round-trip digits: "0.1", "1e-05", "3.4028235e+38", "100.0".
        let text = (x.sign == .minus ? -x : x).description
        let mantissa: Substring
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        } else {
            mantissa = Substring(text)
        }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerText = pieces.first.map(String.init) ?? "0"
        let fractionText = pieces.count > 1 ? String(pieces[1]) : ""
        var all = Array((integerText + fractionText).utf8).map { $0 - 48 }
        var point = integerText.count + exponent
        while let first = all.first, first == 0 {
            all.removeFirst()
            point -= 1
        }
        while let last = all.last, last == 0 { all.removeLast() }
        if all.isEmpty { point = 0 }
        self.digits = all
        self.point = point
    }

    /// Rounds (half up on the digit string) to keep `count` digits; may carry into a new leading digit.
    private static func rounded(_ digits: [UInt8], _ point: Int, keeping count: Int) -> ([UInt8], Int) {
        guard count < digits.count else { return (digits, point) }
        guard count >= 0 else { return ([], point) }
        var kept = Array(digits[0..<count])
        var point = point
        if digits[count] >= 5 {
            var k = count - 1
            while k >= 0 {
                if kept[k] == 9 { kept[k] = 0; k -= 1 } else { kept[k] += 1; break }
            }
            if k < 0 {
                kept.insert(1, at: 0)
                point += 1
            }
        }
        while let last = kept.last, last == 0 { kept.removeLast() }
        return (kept, point)
    }

    /// dragon4_positional(unique, fractional, trim='.'): at most `precision` fraction digits.
    func positional(precision: Int) -> (integer: String, fraction: String) {
        let (kept, point) = Self.rounded(digits, self.point, keeping: self.point + precision)
        var integer = ""
        var fraction = ""
        if point <= 0 {
            integer = "0"
            fraction = String(repeating: "0", count: -point) + kept.map(String.init).joined()
        } else {
            for k in 0..<point { integer += k < kept.count ? String(kept[k]) : "0" }
            if kept.count > point { fraction = kept[point...].map(String.init).joined() }
        }
        if kept.isEmpty { fraction = "" }
        return ((negative ? "-" : "") + integer, fraction)
    }

    /// dragon4_scientific(unique): `d.ddd` with at most `precision` (at least `minDigits`) fraction digits, `e±XX`.
    func scientific(precision: Int, minDigits: Int, exponentDigits: Int) -> (integer: String, fraction: String, exponent: String) {
        var (kept, point) = Self.rounded(digits, self.point, keeping: precision + 1)
        if kept.isEmpty { kept = [0]; point = 1 }
        let exponent = point - 1
        var fraction = kept.dropFirst().map(String.init).joined()
        if fraction.count < minDigits { fraction += String(repeating: "0", count: minDigits - fraction.count) }
        let magnitude = String(abs(exponent))
        let exponentText = "e" + (exponent < 0 ? "-" : "+") + String(repeating: "0", count: max(0, exponentDigits - magnitude.count)) + magnitude
        return ((negative ? "-" : "") + String(kept[0]), fraction, exponentText)
    }
}

/// Python's `repr(float)` text for numpy scalars' `str` (`4.0`, `0.1`, `1e-05`).
func pythonFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ x: F) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    let d = ShortestDigits(x)
    if d.digits.isEmpty { return d.negative ? "-0.0" : "0.0" }
    let exponent = d.point - 1
    if exponent < -4 || exponent >= 16 {
        let s = d.scientific(precision: 17, minDigits: 0, exponentDigits: 2)
        return s.integer + (s.fraction.isEmpty ? "" : "." + s.fraction) + s.exponent
    }
    let p = d.positional(precision: 40)
    return p.integer + "." + (p.fraction.isEmpty ? "0" : p.fraction)
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
    func rightPadded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
