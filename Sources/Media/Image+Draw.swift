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
            for i in 0..<lineWidth {
                horizontalLine(from: box.x0, to: box.x1, y: box.y0 + i, ink: outlineInk)
                horizontalLine(from: box.x0, to: box.x1, y: box.y1 - i, ink: outlineInk)
                verticalLine(x: box.x1 - i, from: box.y0 + lineWidth, to: box.y1 - lineWidth + 1, ink: outlineInk)
                verticalLine(x: box.x0 + i, from: box.y0 + lineWidth, to: box.y1 - lineWidth + 1, ink: outlineInk)
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
        let step = y1 < y0 ? -1 : 1
        var y = y0
        for _ in 0..<abs(y1 - y0) {
            setPixel(x, y, ink)
            y += step
        }
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
        guard scale >= 1 else { throw .invalidArgument("text: scale must be >= 1, got \(scale)") }
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
