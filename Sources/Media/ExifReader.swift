// MARK: - EXIF orientation

/// Finds the EXIF Orientation tag (0x0112) of a JPEG file: the APP1 "Exif\0\0" segment holds a TIFF
/// structure whose first IFD carries it. Malformed EXIF is ignored (Pillow does the same on load).
enum ExifReader {
    static func orientation(inJPEG data: [UInt8]) -> Int? {
        var offset = 2  // after SOI
        while offset + 4 <= data.count {
            guard data[offset] == 0xFF else { return nil }
            let marker = data[offset + 1]
            if marker == 0xFF {  // fill byte
                offset += 1
                continue
            }
            // Markers without a length, then start-of-scan / end-of-image: no more metadata.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            guard length >= 2, offset + 2 + length <= data.count else { return nil }
            let body = offset + 4
            if marker == 0xE1, length >= 8,
                Array(data[body..<(body + 6)]) == [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]
            {
                return orientation(inTIFF: Array(data[(body + 6)..<(offset + 2 + length)]))
            }
            offset += 2 + length
        }
        return nil
    }

    /// Finds the Orientation tag in a PNG's eXIf chunk (Pillow's `exif_transpose` honours it too).
    static func orientation(inPNG data: [UInt8]) -> Int? {
        var offset = 8
        while offset + 12 <= data.count {
            let length = Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8
                | Int(data[offset + 3])
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = offset + 8
            guard length >= 0, body + length <= data.count else { return nil }
            if type == "eXIf" { return orientation(inTIFF: Array(data[body..<(body + length)])) }
            if type == "IEND" { return nil }
            offset = body + length + 4  // skip the CRC
        }
        return nil
    }

    /// Reads tag 0x0112 from IFD0 of a TIFF header ("II*\0" little-endian or "MM\0*" big-endian).
    static func orientation(inTIFF tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func read16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let (a, b) = (Int(tiff[at]), Int(tiff[at + 1]))
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func read32(_ at: Int) -> Int? {
            guard let low = read16(littleEndian ? at : at + 2), let high = read16(littleEndian ? at + 2 : at)
            else { return nil }
            return high << 16 | low
        }
        guard let ifd = read32(4), let count = read16(ifd) else { return nil }
        for index in 0..<count {
            let entry = ifd + 2 + index * 12
            guard let tag = read16(entry) else { return nil }
            if tag == 0x0112 {
                // SHORT value, stored in the first two bytes of the value field.
                guard let value = read16(entry + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }
}
