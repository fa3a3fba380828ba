// NFC / NFD / NFKC / NFKD with alignments. The reference uses `unicode-normalization-alignments`,
// which reports for each output character whether it replaces, adds to, or absorbs input characters.
// We normalize one segment at a time (a starter and its following combining marks) with Foundation
// and assign the same change codes: outputs beyond the segment's length are insertions aligned with
// the last consumed character; a shorter output absorbs the surplus into its last character.
import Foundation

enum UnicodeNormalizationForm: String, Sendable {
    case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"
}

struct UnicodeNormalizer: Normalizer {
    let form: UnicodeNormalizationForm
    func normalize(_ text: inout NormalizedString) { UnicodeNormalization.apply(form, to: &text) }
}

enum UnicodeNormalization {
    static func normalizeString(_ s: String, _ form: UnicodeNormalizationForm) -> String {
        switch form {
        case .nfc: return s.precomposedStringWithCanonicalMapping
        case .nfd: return s.decomposedStringWithCanonicalMapping
        case .nfkc: return s.precomposedStringWithCompatibilityMapping
        case .nfkd: return s.decomposedStringWithCompatibilityMapping
        }
    }

    /// Decompositions already computed; Foundation calls are the slow part of NFD on non-Latin text.
    private static let decompositionCache = LockedDictionary<UInt64, [Unicode.Scalar]>()

    static func decompose(_ c: Unicode.Scalar, compatibility: Bool) -> [Unicode.Scalar] {
        if c.value < (compatibility ? 0xA0 : 0xC0) { return [c] }
        let key = UInt64(c.value) | (compatibility ? 1 << 32 : 0)
        if let hit = decompositionCache[key] { return hit }
        let out = Array(normalizeString(String(Character(c)), compatibility ? .nfkd : .nfd).unicodeScalars)
        decompositionCache[key] = out
        return out
    }

    static func apply(_ form: UnicodeNormalizationForm, to text: inout NormalizedString) {
        let scalars = text.scalars
        // Fast path: text below U+00A0 is stable under every form (below U+00C0 for the canonical ones).
        let stable: UInt32 = (form == .nfc || form == .nfd) ? 0xC0 : 0xA0
        if scalars.allSatisfy({ $0.value < stable }) { return }
        if form == .nfd || form == .nfkd {
            decomposeAll(&text, compatibility: form == .nfkd)
            return
        }
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count + 8)
        newAlignments.reserveCapacity(scalars.count + 8)
        var i = 0
        let n = scalars.count
        while i < n {
            // A segment: one scalar plus following scalars with non-zero combining class
            // (and Hangul jamo that compose with it).
            var j = i + 1
            while j < n,
                scalars[j].properties.canonicalCombiningClass.rawValue != 0 || isHangulJamoContinuation(scalars[j])
            {
                j += 1
            }
            if j == i + 1 && scalars[i].value < stable {
                newScalars.append(scalars[i])
                newAlignments.append(text.alignments[i])
                i = j
                continue
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[i..<j])
            let output = Array(normalizeString(String(view), form).unicodeScalars)
            // The first output character (the composed one) aligns with the segment's first character, as
            // in the reference; marks left uncomposed keep their own alignment.
            var used = [Bool](repeating: false, count: j - i)
            for (k, s) in output.enumerated() {
                var source = 0
                if k > 0 {
                    if let match = (1..<(j - i)).first(where: { !used[$0] && scalars[i + $0] == s }) {
                        source = match
                    } else {
                        source = min(k, j - i - 1)
                    }
                }
                used[source] = true
                newScalars.append(s)
                newAlignments.append(text.alignments[i + source])
            }
            i = j
        }
        text.scalars = newScalars
        text.alignments = newAlignments
    }

    /// Per-character decomposition (each output aligned with its source), then canonical reordering of
    /// combining marks, moving alignments with their characters.
    static func decomposeAll(_ text: inout NormalizedString, compatibility: Bool) {
        var pairs: [(Unicode.Scalar, Offsets)] = []
        pairs.reserveCapacity(text.scalars.count + 8)
        for (i, c) in text.scalars.enumerated() {
            for d in decompose(c, compatibility: compatibility) { pairs.append((d, text.alignments[i])) }
        }
        // Canonical ordering: stable sort of each run of non-starters by combining class.
        var k = 0
        while k < pairs.count {
            if pairs[k].0.properties.canonicalCombiningClass.rawValue == 0 { k += 1; continue }
            var e = k
            while e < pairs.count, pairs[e].0.properties.canonicalCombiningClass.rawValue != 0 { e += 1 }
            if e - k > 1 {
                let sorted = pairs[k..<e].enumerated().sorted {
                    let a = $0.element.0.properties.canonicalCombiningClass.rawValue
                    let b = $1.element.0.properties.canonicalCombiningClass.rawValue
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                pairs.replaceSubrange(k..<e, with: sorted)
            }
            k = e
        }
        text.scalars = pairs.map(\.0)
        text.alignments = pairs.map(\.1)
    }

    static func isHangulJamoContinuation(_ c: Unicode.Scalar) -> Bool {
        (0x1161...0x11C2).contains(c.value)
    }
}
