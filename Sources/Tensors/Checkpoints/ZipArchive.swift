/// The central directory of a ZIP archive, enough to find the *stored* (uncompressed) entries that `torch.save`
/// writes. PyTorch never compresses tensor data, so entries are mapped in place, never inflated; a compressed
/// entry is reported as unsupported rather than read wrongly.
struct ZipArchive {
    struct Entry {
        let name: String
        let dataOffset: Int
        let size: Int
        let method: UInt16
    }

    let file: MappedFile
    let entries: [String: Entry]

    init(file: MappedFile) throws {
        self.file = file
        let path = file.path
        func fail(_ detail: String) -> TensorError { .invalidFile(path: path, detail: "not a valid zip archive: \(detail)") }
        let bytes = UnsafeRawBufferPointer(start: file.bytes, count: file.count)
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw fail("truncated") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int { try u16(at) | (try u16(at + 2)) << 16 }
        func u64(_ at: Int) throws -> Int { try u32(at) | (try u32(at + 4)) << 32 }

        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        var eocd = -1
        var position = bytes.count - 22
        while position >= max(0, bytes.count - 65_557) {
            if try u32(position) == 0x0605_4b50 { eocd = position; break }
            position -= 1
        }
        guard eocd >= 0 else { throw fail("no end-of-central-directory record") }
        var entryCount = try u16(eocd + 10)
        var directoryOffset = try u32(eocd + 16)
        // Zip64: the locator sits just before the EOCD record and points at the zip64 EOCD.
        if directoryOffset == 0xFFFF_FFFF || entryCount == 0xFFFF, eocd >= 20, try u32(eocd - 20) == 0x0706_4b50 {
            let zip64 = try u64(eocd - 20 + 8)
            guard try u32(zip64) == 0x0606_4b50 else { throw fail("bad zip64 record") }
            entryCount = try u64(zip64 + 32)
            directoryOffset = try u64(zip64 + 48)
        }
        var entries: [String: Entry] = [:]
        position = directoryOffset
        for _ in 0..<entryCount {
            guard try u32(position) == 0x0201_4b50 else { throw fail("bad central directory entry") }
            let method = UInt16(try u16(position + 10))
            var size = try u32(position + 20)
            let nameLength = try u16(position + 28), extraLength = try u16(position + 30), commentLength = try u16(position + 32)
            var localOffset = try u32(position + 42)
            guard position + 46 + nameLength <= bytes.count else { throw fail("truncated name") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
            // Zip64 extended information: 64-bit sizes/offset in the order of the fields that overflowed.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = try u16(extra), length = try u16(extra + 2)
                if tag == 0x0001 {
                    var field = extra + 4
                    if try u32(position + 24) == 0xFFFF_FFFF { field += 8 }  // uncompressed size first
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try u64(field) }
                }
                extra += 4 + length
            }
            guard try u32(localOffset) == 0x0403_4b50 else { throw fail("bad local header for \(name)") }
            let dataOffset = localOffset + 30 + (try u16(localOffset + 26)) + (try u16(localOffset + 28))
            guard dataOffset + size <= bytes.count else { throw fail("entry \(name) extends past the end of the file") }
            entries[name] = Entry(name: name, dataOffset: dataOffset, size: size, method: method)
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}
