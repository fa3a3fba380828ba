// MARK: - %show
//
// Saves an image value as a PNG file in a temporary folder and prints where, with its size and
// mode — the way to look at a picture from a terminal that cannot draw it inline (where it can,
// the picture is drawn as well).

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension REPLSession {
    /// The folder `%show` writes to: `$SFS_SHOW_DIR`, else `$TMPDIR/sfs-show` (or `/tmp/sfs-show`).
    var showDirectory: String {
        if let custom = getenv("SFS_SHOW_DIR"), custom.pointee != 0 { return String(cString: custom) }
        let temporary = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return (temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary) + "/sfs-show"
    }

    func magicShow(_ expression: String, number: Int) {
        let source = expression.isEmpty ? "_" : expression
        guard let value = evaluate(source, file: cellFileName(number), echo: true) else { return }
        guard case .object(let o as any ScriptDisplayableImage) = value else {
            output.standardError("UsageError: %show needs an image (a PIL Image), not \(value.typeName)\n")
            return
        }
        let png: [UInt8]
        do {
            png = try o.displayPNG()
        } catch {
            report(error, source: source)
            return
        }
        let folder = showDirectory
        mkdir(folder, 0o755)
        let path = folder + "/out-\(getpid())-\(number).png"
        guard let file = fopen(path, "wb") else {
            output.standardError("%show: cannot write \(path): \(String(cString: strerror(errno)))\n")
            return
        }
        let written = png.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        guard written == png.count else {
            output.standardError("%show: could not write all of \(path)\n")
            return
        }
        let size = o.displaySize
        if let picture = try? InlineImageEncoder.sequence(for: o, graphics: graphics) { output.standardOutput(picture + "\n") }
        output.standardOutput("image \(size.width)x\(size.height) \(o.displayMode) saved to \(path)\n")
    }
}
