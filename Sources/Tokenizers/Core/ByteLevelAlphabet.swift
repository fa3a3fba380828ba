// GPT-2's reversible byte ↔ printable character table (reference `bytes_char` in byte_level.rs):
// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards.

enum ByteLevelAlphabet {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(UInt16(256 + n)) ?? " "
                n += 1
            }
        }
        return table
    }()

    /// Scalar value → byte, for scalars below U+0144; `-1` where no byte maps there.
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, s) in byteToScalar.enumerated() { table[Int(s.value)] = Int16(b) }
        return table
    }()

    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = Int(scalar.value)
        guard v < scalarToByte.count, scalarToByte[v] >= 0 else { return nil }
        return UInt8(scalarToByte[v])
    }
}

extension NormalizedString {
    /// Replaces every character by the byte-level characters of its UTF-8 bytes, all aligned with it.
    mutating func applyByteLevelMapping() {
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count + 4)
        newAlignments.reserveCapacity(scalars.count + 4)
        let table = ByteLevelAlphabet.byteToScalar
        for (i, c) in scalars.enumerated() {
            let alignment = alignments[i]
            if c.value < 0x80 {
                newScalars.append(table[Int(c.value)])
                newAlignments.append(alignment)
            } else {
                guard let encoded = UTF8.encode(c) else { continue }
                for b in encoded {
                    newScalars.append(table[Int(b)])
                    newAlignments.append(alignment)
                }
            }
        }
        scalars = newScalars
        alignments = newAlignments
    }
}
