// snapshot_download and the file list, against the loopback hub; fnmatch globs as Python's.

import Foundation
import Testing
@testable import Hub

@Suite struct SnapshotTests {
    @Test func snapshotDownloadFetchesMatchingFiles() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, showsProgress: false))
        let remote = try hub.remoteFiles(try HubRepo(id: fake.repo))
        #expect(remote.commit == fake.commit)
        #expect(remote.files == fake.files.keys.sorted())
        let snapshot = try hub.snapshotDownload(fake.repo, patterns: ["*.json", "onnx/*"])
        #expect(snapshot.lastPathComponent == fake.commit)
        #expect(try hub.listFiles(fake.repo) == ["config.json", "onnx/model.onnx", "tokenizer_config.json"])
        // Files are fetched by commit, so they all come from the same one.
        #expect(fake.server.requests.contains { $0.path == "/org/tiny/resolve/\(fake.commit)/config.json" })
        let offline = Hub(environment: HubEnvironment(cacheDirectory: folder.url, offline: true))
        #expect(try offline.snapshotDownload(fake.repo) == snapshot)
        #expect(throws: HubError.repoNotFound(repo: "org/none")) { try hub.snapshotDownload("org/none") }
    }

    @Test(arguments: [
        ("model.safetensors", "*.safetensors", true), ("onnx/model.onnx", "*.onnx", true),
        ("onnx/model.onnx", "onnx/", true), ("config.json", "*.safetensors", false),
        ("model-00001-of-00002.safetensors", "model-0000?-of-*.safetensors", true),
        ("a.bin", "[ab].bin", true), ("c.bin", "[!ab].bin", true), ("a.bin", "[!ab].bin", false),
        ("x1.txt", "x[0-9].txt", true), ("", "*", true), ("abc", "a*c*", true), ("abc", "a*d", false),
    ])
    func globsMatchLikeFnmatch(name: String, pattern: String, expected: Bool) {
        #expect(Glob.matches(name, pattern: pattern) == expected)
    }
}
