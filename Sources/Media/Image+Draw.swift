// MARK: - Drawing (ImageDraw subset for detection-style output)

extension Image {
    /// Draws a rectangle as Pillow's `ImageDraw.Draw(image).rectangle((x0, y0, x1, y1), fill=, outline=, width=)`:
    /// corners are inclusive, `fill` covers the whole box, the outline is `width` pixels drawn inwards.
    /// Colours have one value per channel, or one value for every channel.
    public mutating func drawRectangle(
        _ box: (x0: Int, y0: Int, x1: Int, y1: Int), outline: [Int]? = nil, fill: [Int]? = nil, width: Int = 1
    ) throws(ImageError) {
        guard box.x1 >= box.x0, box.y1 >= box.y0 else {
            throw .invalidArgument("rectangle: x1 must be >= x0 and y1 >= y0, got \(box)")
        }
        let limit = 1 << 30  // Pillow's coordinates are C ints; this keeps our arithmetic far from overflow
        guard [box.x0, box.y0, box.x1, box.y1, width].allSatisfy({ abs($0) <= limit }) else {
            throw .invalidArgument("rectangle: coordinates and width must be within ±\(limit), got \(box), width \(width)")
        }
        let fillInk = try fill.map { (c) throws(ImageError) in try Image.pixelBytes(c, mode: mode) }
        let outlineInk = try outline.map { (c) throws(ImageError) in try Image.pixelBytes(c, mode: mode) }
        if let fillInk {
            // Draw.c clamps the rows (y1 may reach ysize, one past the last row; hline ignores it).
            let top = max(box.y0, 0)
            let bottom = min(box.y1, height)
            if box.y0 < height, box.y1 >= 0, top <= bottom {
                for y in top...bottom { horizontalLine(from: box.x0, to: box.x1, y: y, ink: fillInk) }
            }
        }
        if let outlineInk, outlineInk != fillInk, width != 0 {
            let lineWidth = max(width, 1)
            // Draw.c loops i over 0..<width drawing four lines per step; each family only reaches
            // the image for an interval of i, so we visit just those (same pixels, bounded work).
            func steps(_ low: Int, _ high: Int) -> ClosedRange<Int>? {
                let first = max(low, 0)
                let last = min(high, lineWidth - 1)
                return first <= last ? first...last : nil
            }
            let (x0, y0, x1, y1) = box
            if let range = steps(-y0, height - 1 - y0) {
                for i in range { horizontalLine(from: x0, to: x1, y: y0 + i, ink: outlineInk) }
            }
            if let range = steps(y1 - height + 1, y1) {
                for i in range { horizontalLine(from: x0, to: x1, y: y1 - i, ink: outlineInk) }
            }
            if let range = steps(x1 - self.width + 1, x1) {
                for i in range {
                    verticalLine(x: x1 - i, from: y0 + lineWidth, to: y1 - lineWidth + 1, ink: outlineInk)
                }
            }
            if let range = steps(-x0, self.width - 1 - x0) {
                for i in range {
                    verticalLine(x: x0 + i, from: y0 + lineWidth, to: y1 - lineWidth + 1, ink: outlineInk)
                }
            }
        }
    }

    /// Draw.c `hline`: inclusive span, clipped to the image, nothing when x0 > x1.
    mutating func horizontalLine(from x0: Int, to x1: Int, y: Int, ink: [UInt8]) {
        guard y >= 0, y < height, x0 < width, x1 >= 0 else { return }
        let first = max(x0, 0)
        let last = min(x1, width - 1)
        guard first <= last else { return }
        for x in first...last { setPixel(x, y, ink) }
    }

    /// Draw.c `line` for a vertical segment: |y1 − y0| points starting at y0 towards y1 (y1 excluded).
    mutating func verticalLine(x: Int, from y0: Int, to y1: Int, ink: [UInt8]) {
        guard x >= 0, x < width, y0 != y1 else { return }
        // The points are y0, y0 ± 1, … (|y1 − y0| of them); only those inside the image matter.
        let (low, high) = y1 > y0 ? (y0, y1 - 1) : (y1 + 1, y0)
        let first = max(low, 0)
        let last = min(high, height - 1)
        guard first <= last else { return }
        for y in first...last { setPixel(x, y, ink) }
    }

    @inline(__always)
    mutating func setPixel(_ x: Int, _ y: Int, _ ink: [UInt8]) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let offset = (y * width + x) * ink.count
        for byte in 0..<ink.count { pixels[offset + byte] = ink[byte] }
    }

    // MARK: Text

    /// Draws `text` with the built-in 5×7 bitmap font (ASCII 32…126; other characters draw as "?"),
    /// each glyph cell 6×8 pixels at `scale` 1, top-left at `origin`. Returns the drawn box (x0, y0, x1, y1).
    @discardableResult
    public mutating func drawText(
        _ text: String, at origin: (x: Int, y: Int), color: [Int], scale: Int = 1, background: [Int]? = nil
    ) throws(ImageError) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        guard (1...256).contains(scale) else { throw .invalidArgument("text: scale must be in 1...256, got \(scale)") }
        guard abs(origin.x) <= 1 << 30, abs(origin.y) <= 1 << 30, text.count <= 1 << 16 else {
            throw .invalidArgument("text: origin \(origin) or length \(text.count) out of range")
        }
        let ink = try Image.pixelBytes(color, mode: mode)
        let size = BitmapFont.textSize(text, scale: scale)
        let box = (x0: origin.x, y0: origin.y, x1: origin.x + size.width - 1, y1: origin.y + size.height - 1)
        if let background { try drawRectangle(box, fill: background) }
        for (index, character) in text.enumerated() {
            let columns = BitmapFont.glyph(character)
            let cellX = origin.x + index * BitmapFont.advance * scale
            for (column, bits) in columns.enumerated() {
                for row in 0..<BitmapFont.glyphHeight where bits & (1 << row) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            setPixel(cellX + column * scale + dx, origin.y + row * scale + dy, ink)
                        }
                    }
                }
            }
        }
        return box
    }

    /// A detection box with its label, as the object-detection guides draw them: a `width`-pixel
    /// outline and the label on a filled strip above the box (inside it when there is no room above).
    public mutating func drawDetection(
        box: (x0: Int, y0: Int, x1: Int, y1: Int), label: String, color: [Int], width: Int = 2,
        textColor: [Int]? = nil
    ) throws(ImageError) {
        try drawRectangle(box, outline: color, width: width)
        guard !label.isEmpty else { return }
        let size = BitmapFont.textSize(label, scale: 1)
        let stripHeight = size.height + 2
        let top = box.y0 - stripHeight >= 0 ? box.y0 - stripHeight : box.y0
        let white = Array(repeating: mode == .i16 ? 65535 : 255, count: mode.channels)
        try drawRectangle((box.x0, top, box.x0 + size.width + 1, top + stripHeight - 1), fill: color)
        try drawText(label, at: (box.x0 + 1, top + 1), color: textColor ?? white)
    }
}
