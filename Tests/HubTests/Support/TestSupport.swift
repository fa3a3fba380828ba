// Test helpers: fixture paths and throwaway folders.

import Foundation
@testable import Hub

enum Fixture {
    static func url(_ relative: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(relative)
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue(contentsOf: url(relative))
    }
}

/// A fresh folder under /tmp, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hubtests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Every entry under `root` as the fixture generator records it (dirs, files with sha256, symlinks).
func cacheLayout(_ root: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    let manager = FileManager.default
    var pending = [""]
    while let relative = pending.popLast() {
        let directory = relative.isEmpty ? root : root.appendingPathComponent(relative)
        for name in try manager.contentsOfDirectory(atPath: directory.path) {
            let child = relative.isEmpty ? name : relative + "/" + name
            let path = root.appendingPathComponent(child).path
            if let target = try? manager.destinationOfSymbolicLink(atPath: path) {
                result[child] = "symlink " + target
                continue
            }
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                result[child] = "dir"
                pending.append(child)
            } else {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                result[child] = "file \(data.count) \(sha256Hex(data))"
            }
        }
    }
    return result
}
