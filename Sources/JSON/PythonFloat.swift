// PythonFloat — `repr(float)` as CPython writes it, which is what `json.dumps` uses for floats.
//
// Both Swift's `description` and CPython's `repr` produce the shortest digit string that round-trips;
// they differ only in layout. CPython switches to exponent form when the decimal exponent is < -4 or
// >= 16 and writes at least two exponent digits (`1e-05`, `1e+16`), and always shows a `.0` on integral
// values in fixed form (`768.0`).

enum PythonFloat {
    /// `repr(value)`; non-finite values as `json.dumps` writes them (`NaN`, `Infinity`, `-Infinity`).
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (digits, pointPosition) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        // `pointPosition` is CPython's `decpt`: value = 0.d1d2d3… × 10^decpt.
        if pointPosition <= -4 || pointPosition > 16 {
            let exponent = pointPosition - 1
            var mantissa = String(digits.first ?? "0")
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let exponentDigits = String(abs(exponent))
            let padded = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + padded
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The shortest round-trip digits (no leading/trailing zeros) and the decimal point position,
    /// read back from Swift's own shortest representation.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = value.description  // e.g. "0.02", "1e-12", "1.5e+20", "768.0"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." {
                seenPoint = true
                continue
            }
            digits.append(character)
            if !seenPoint { pointPosition += 1 }
        }
        // Strip leading zeros (each moves the point left) and trailing zeros.
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        return (digits, pointPosition + exponent)
    }
}
