// MARK: - Sixel images
//
// Terminals without kitty's or iTerm2's protocol but with DEC sixel graphics (foot, mlterm, contour,
// xterm started with `-ti vt340`, WezTerm too) draw pictures sent as sixels: a palette of at most
// 256 colour registers, then bands six pixel rows high in which each colour's pixels are one
// character (63 + a 6-bit column mask), with `!n` run-length repeats, `$` to go back to the start of
// the band for the next colour and `-` to start the next band. Sixel has no compression and no
// scaling, so big pictures are reduced (nearest pixel) to fit `maximumSide` first.

/// Encodes RGB pixels as a DEC sixel sequence.
public enum SixelEncoder {
    /// Pictures wider or taller than this are reduced by an integer factor before encoding.
    public static let maximumSide = 1024

    /// Levels of the 6×6×6 colour cube: 0, 51, …, 255.
    static let cubeLevels = 6
    /// Grays between the cube's levels, so monochrome pictures keep their shading.
    static let grayCount = 24

    /// The palette, cube first then grays, as 8-bit RGB.
    static let palette: [(UInt8, UInt8, UInt8)] = {
        var colors: [(UInt8, UInt8, UInt8)] = []
        for r in 0..<cubeLevels {
            for g in 0..<cubeLevels {
                for b in 0..<cubeLevels { colors.append((UInt8(r * 51), UInt8(g * 51), UInt8(b * 51))) }
            }
        }
        for k in 0..<grayCount {
            let v = UInt8(8 + 10 * k)
            colors.append((v, v, v))
        }
        return colors
    }()

    /// The register closest to a colour: the nearer of its cube cell and its gray.
    static func register(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { (Int(v) + 25) / 51 }
        let cube = (level(r) * cubeLevels + level(g)) * cubeLevels + level(b)
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let gray = cubeLevels * cubeLevels * cubeLevels + min(grayCount - 1, max(0, (mean - 3) / 10))
        return distance(palette[gray], r, g, b) < distance(palette[cube], r, g, b) ? gray : cube
    }

    static func distance(_ c: (UInt8, UInt8, UInt8), _ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let dr = Int(c.0) - Int(r), dg = Int(c.1) - Int(g), db = Int(c.2) - Int(b)
        return dr * dr + dg * dg + db * db
    }

    /// The sixel sequence for `width`×`height` RGB pixels (3 bytes each, rows top to bottom).
    public static func encode(width: Int, height: Int, rgb: [UInt8]) -> String {
        guard width > 0, height > 0, rgb.count >= width * height * 3 else { return "" }
        let step = max(1, (max(width, height) + maximumSide - 1) / maximumSide)
        let w = (width + step - 1) / step, h = (height + step - 1) / step
        var registers = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let p = ((y * step) * width + x * step) * 3
                registers[y * w + x] = UInt8(register(rgb[p], rgb[p + 1], rgb[p + 2]))
            }
        }
        var out: [UInt8] = Array("\u{1B}P0;1;0q\"1;1;\(w);\(h)".utf8)
        var used = [Bool](repeating: false, count: palette.count)
        for r in registers { used[Int(r)] = true }
        for (index, color) in palette.enumerated() where used[index] {
            func percent(_ v: UInt8) -> Int { (Int(v) * 100 + 127) / 255 }
            out += Array("#\(index);2;\(percent(color.0));\(percent(color.1));\(percent(color.2))".utf8)
        }
        var masks = [UInt8](repeating: 0, count: w)
        for top in stride(from: 0, to: h, by: 6) {
            let rows = min(6, h - top)
            var inBand = [Bool](repeating: false, count: palette.count)
            for y in top..<(top + rows) { for x in 0..<w { inBand[Int(registers[y * w + x])] = true } }
            var firstColor = true
            for color in 0..<palette.count where inBand[color] {
                for x in 0..<w {
                    var mask: UInt8 = 0
                    for dy in 0..<rows where registers[(top + dy) * w + x] == UInt8(color) { mask |= 1 << UInt8(dy) }
                    masks[x] = mask
                }
                if !firstColor { out.append(UInt8(ascii: "$")) }
                firstColor = false
                out += Array("#\(color)".utf8)
                appendRuns(masks, to: &out)
            }
            out.append(UInt8(ascii: "-"))
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one colour's row of column masks, run-length encoded, without its trailing empty columns.
    static func appendRuns(_ masks: [UInt8], to out: inout [UInt8]) {
        var end = masks.count
        while end > 0 && masks[end - 1] == 0 { end -= 1 }
        var x = 0
        while x < end {
            var run = 1
            while x + run < end && masks[x + run] == masks[x] { run += 1 }
            let character = 63 + masks[x]
            if run > 3 {
                out += Array("!\(run)".utf8)
                out.append(character)
            } else {
                out += [UInt8](repeating: character, count: run)
            }
            x += run
        }
    }
}
