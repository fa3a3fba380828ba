// Downloads against a hub-like server on 127.0.0.1. The cache written must be the one Python's
// `hf_hub_download` wrote for the same answers (Fixtures/cache_layout/expected_layout.json).

import Foundation
import Testing
@testable import Hub

@Suite struct DownloadTests {
    private func makeHub(_ fake: FakeHub, cache: URL, token: String? = nil, offline: Bool = false) -> Hub {
        Hub(environment: HubEnvironment(cacheDirectory: cache, endpoint: fake.endpoint, token: token,
                                        offline: offline, showsProgress: false))
    }

    @Test func cacheLayoutEqualsTheOnePythonWrites() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        for name in fake.files.keys.sorted() {
            let path = try hub.resolve(fake.repo, file: name)
            #expect(try Data(contentsOf: path) == fake.files[name]?.data)
        }
        for name in fake.missing {
            #expect(throws: HubError.fileNotFound(repo: fake.repo, file: name, revision: "main")) {
                try hub.resolve(fake.repo, file: name)
            }
        }
        var expected: [String: String] = [:]
        for entry in try Fixture.json("cache_layout/expected_layout.json").arrayValue ?? [] {
            let path = entry["path"]?.stringValue ?? ""
            switch entry["type"]?.stringValue {
            case "dir": expected[path] = "dir"
            case "symlink": expected[path] = "symlink " + (entry["target"]?.stringValue ?? "")
            default: expected[path] = "file \(entry["size"]?.intValue ?? -1) \(entry["sha256"]?.stringValue ?? "")"
            }
        }
        let actual = try cacheLayout(folder.url)
        #expect(actual == expected)
        for key in Set(actual.keys).symmetricDifference(expected.keys).sorted() {
            Issue.record("\(key): ours \(actual[key] ?? "absent"), Python \(expected[key] ?? "absent")")
        }
    }

    @Test func lfsFilesAreFetchedFromTheRedirectTarget() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        _ = try makeHub(fake, cache: folder.url).resolve(fake.repo, file: "model.safetensors")
        let requests = fake.server.requests
        #expect(requests.map(\.method) == ["HEAD", "GET"])
        #expect(requests.first?.path == "/org/tiny/resolve/main/model.safetensors")
        #expect(requests.last?.path.hasPrefix("/cdn/") == true)
        #expect(requests.first?.header("Accept-Encoding") == "identity")
    }

    @Test func aCachedFileNeedsNoNetwork() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        let first = try hub.resolve(fake.repo, file: "config.json")
        let count = fake.server.requests.count
        let second = try hub.resolve(fake.repo, file: "config.json")
        #expect(first == second)
        #expect(fake.server.requests.count == count)
        // checkForUpdates asks the server (HEAD) but downloads nothing new.
        var checking = hub
        checking.checkForUpdates = true
        _ = try checking.resolve(fake.repo, file: "config.json")
        #expect(fake.server.requests.dropFirst(count).map(\.method) == ["HEAD"])
    }

    @Test func aBrokenTransferIsResumedWithARangeRequest() throws {
        let fake = try FakeHub(breakFirstTransferAfter: 1200)
        let folder = try TemporaryFolder()
        let path = try makeHub(fake, cache: folder.url).resolve(fake.repo, file: "model.safetensors")
        #expect(try Data(contentsOf: path) == fake.files["model.safetensors"]?.data)
        let gets = fake.server.requests.filter { $0.method == "GET" }
        #expect(gets.count == 2)
        #expect(gets.first?.header("Range") == nil)
        #expect(gets.last?.header("Range") == "bytes=1200-")
    }

    @Test func anIncompleteFileFromAnEarlierRunIsResumed() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let file = try #require(fake.files["model.safetensors"])
        let blobs = folder.url.appendingPathComponent("models--org--tiny/blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try file.data.prefix(1000).write(to: blobs.appendingPathComponent(file.sha256 + ".incomplete"))
        let path = try makeHub(fake, cache: folder.url).resolve(fake.repo, file: "model.safetensors")
        #expect(try Data(contentsOf: path) == file.data)
        #expect(fake.server.requests.last?.header("Range") == "bytes=1000-")
        #expect(!FileManager.default.fileExists(atPath: blobs.appendingPathComponent(file.sha256 + ".incomplete").path))
    }

    @Test func gatedReposNeedAToken() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        do {
            _ = try makeHub(fake, cache: folder.url).resolve("org/gated", file: "config.json")
            Issue.record("no error")
        } catch {
            #expect(error == .unauthorized(repo: "org/gated", file: "config.json", status: 401, hasToken: false))
            #expect(error.description == "401: gated or private repo org/gated (file config.json), set HF_TOKEN")
        }
        let path = try makeHub(fake, cache: folder.url, token: "secret").resolve("org/gated", file: "config.json")
        #expect(try Data(contentsOf: path) == fake.files["config.json"]?.data)
        #expect(fake.server.requests.last?.header("Authorization") == "Bearer secret")
        #expect(throws: HubError.unauthorized(repo: "org/gated", file: "tokenizer_config.json", status: 401, hasToken: true)) {
            try makeHub(fake, cache: folder.url, token: "wrong").resolve("org/gated", file: "tokenizer_config.json")
        }
    }

    @Test func missingFilesAreRememberedInNoExist() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        #expect(throws: HubError.fileNotFound(repo: "org/tiny", file: "pytorch_model.bin", revision: "main")) {
            try hub.resolve("org/tiny", file: "pytorch_model.bin")
        }
        let marker = folder.url.appendingPathComponent("models--org--tiny/.no_exist/\(fake.commit)/pytorch_model.bin")
        #expect(FileManager.default.fileExists(atPath: marker.path))
        // The second time the cache answers, offline too.
        let count = fake.server.requests.count
        let offline = makeHub(fake, cache: folder.url, offline: true)
        #expect(throws: HubError.fileNotFound(repo: "org/tiny", file: "pytorch_model.bin", revision: "main")) {
            try offline.resolve("org/tiny", file: "pytorch_model.bin")
        }
        #expect(fake.server.requests.count == count)
        #expect(!hub.fileExists("org/tiny", file: "pytorch_model.bin"))
        #expect(HubError.fileNotFound(repo: "org/tiny", file: "pytorch_model.bin", revision: "main").description
            == "404: file pytorch_model.bin not found in repo org/tiny (revision main)")
    }

    @Test func unknownReposAndRevisionsAreReported() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        #expect(throws: HubError.repoNotFound(repo: "org/nothing")) { try hub.resolve("org/nothing", file: "config.json") }
        #expect(throws: HubError.revisionNotFound(repo: "org/tiny", revision: "v9")) {
            try hub.resolve("org/tiny", file: "config.json", revision: "v9")
        }
    }

    @Test func relativeRedirectsOfARenamedRepoAreFollowed() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        let path = try hub.resolve("old/tiny", file: "config.json")
        #expect(try Data(contentsOf: path) == fake.files["config.json"]?.data)
        // Cached under the name asked for, as Python does.
        #expect(path.path.contains("models--old--tiny/snapshots/\(fake.commit)/config.json"))
        #expect(fake.server.requests.map(\.path).contains("/org/tiny/resolve/main/config.json"))
    }

    @Test func aCommitHashRevisionIsCachedWithoutARef() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        _ = try hub.resolve(fake.repo, file: "config.json", revision: fake.commit)
        let refs = folder.url.appendingPathComponent("models--org--tiny/refs")
        #expect(!FileManager.default.fileExists(atPath: refs.path))
        let offline = makeHub(fake, cache: folder.url, offline: true)
        #expect(throws: Never.self) { try offline.resolve(fake.repo, file: "config.json", revision: fake.commit) }
    }

    @Test func offlineWithoutACopySaysSo() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url, offline: true)
        do {
            _ = try hub.resolve(fake.repo, file: "config.json")
            Issue.record("no error")
        } catch {
            #expect(error == .offlineNotCached(repo: "org/tiny", file: "config.json", revision: "main",
                                               cache: folder.url.path))
            #expect(error.description.contains("offline and not in cache"))
        }
        #expect(fake.server.requests.isEmpty)
    }

    @Test func anUnreachableServerFallsBackToTheCache() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        _ = try makeHub(fake, cache: folder.url).resolve(fake.repo, file: "config.json")
        // Nothing listens on the port of a stopped server.
        let dead = try LoopbackServer { _ in CannedResponse(status: 500) }
        let deadEndpoint = dead.baseURL
        dead.stop()
        var environment = HubEnvironment(cacheDirectory: folder.url, endpoint: deadEndpoint, showsProgress: false)
        let hub = Hub(environment: environment, checkForUpdates: true)
        #expect(throws: Never.self) { try hub.resolve(fake.repo, file: "config.json") }
        environment.offline = false
        do {
            _ = try Hub(environment: environment).resolve(fake.repo, file: "model.safetensors")
            Issue.record("no error")
        } catch {
            guard case .network(let repo, let file, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(repo == "org/tiny" && file == "model.safetensors")
            #expect(error.description.contains("not in cache"))
        }
    }

    @Test func configAndWeightsResolveThroughTheHub() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = makeHub(fake, cache: folder.url)
        let config = try AutoConfig.fromPretrained(fake.repo, hub: hub)
        #expect(config.hiddenSize == 32)
        #expect(config.architectures == ["BertModel"])
        let weights = try hub.weightFiles(fake.repo)
        #expect(weights.map(\.lastPathComponent) == ["model.safetensors"])
        #expect(try hub.listFiles(fake.repo) == ["config.json", "model.safetensors"])
        #expect(try hub.snapshotFolder(fake.repo)?.lastPathComponent == fake.commit)
    }
}

@Suite struct ProbeTests {
    @Test func fileExistsAsksWithHeadOnly() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, showsProgress: false))
        #expect(hub.fileExists(fake.repo, file: "model.safetensors"))
        #expect(!hub.fileExists(fake.repo, file: "pytorch_model.bin"))
        #expect(fake.server.requests.map(\.method) == ["HEAD", "HEAD"])
        #expect(hub.cache.listFiles(try HubRepo(id: fake.repo)).isEmpty)
    }

    @Test func weightFilesReportsAuthorizationFailuresInsteadOfNoWeights() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, showsProgress: false))
        #expect(throws: HubError.unauthorized(repo: "org/gated", file: "model.safetensors", status: 401, hasToken: false)) {
            try hub.weightFiles("org/gated")
        }
    }

    @Test func byteCountsPrintLikeTqdm() {
        #expect(ProgressBar.bytes(999) == "999B")
        #expect(ProgressBar.bytes(1_500) == "1.5k")
        #expect(ProgressBar.bytes(90_868_376) == "90.9M")
        #expect(ProgressBar.bytes(2_000_000_000) == "2.0G")
    }
}

@Suite struct ProgressBarTests {
    @Test func drawsPercentBarAndSizes() throws {
        let pipe = Pipe()
        let bar = ProgressBar(label: "model.safetensors", total: 3000, initial: 0, enabled: true,
                              sink: pipe.fileHandleForWriting, requireTerminal: false)
        bar.update(1500, force: true)
        bar.finish()
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("\rmodel.safetensors: 50%|" + String(repeating: "█", count: 15) + String(repeating: " ", count: 15) + "| 1.5k/3.0k"))
        #expect(text.hasSuffix("\n"))
        #expect(text.contains("100%|" + String(repeating: "█", count: 30) + "| 3.0k/3.0k"))
    }

    @Test func staysSilentWhenNotATerminal() throws {
        let pipe = Pipe()
        let bar = ProgressBar(label: "x", total: 10, initial: 0, enabled: true, sink: pipe.fileHandleForWriting)
        bar.update(5, force: true)
        bar.finish()
        try pipe.fileHandleForWriting.close()
        #expect(pipe.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }
}

@Suite struct IncompleteFileTests {
    @Test func anOversizedIncompleteFileIsDiscarded() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let file = try #require(fake.files["onnx/model.onnx"])
        let blobs = folder.url.appendingPathComponent("models--org--tiny/blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try Data(repeating: 7, count: file.data.count + 10).write(to: blobs.appendingPathComponent(file.sha256 + ".incomplete"))
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, showsProgress: false))
        let path = try hub.resolve(fake.repo, file: "onnx/model.onnx")
        #expect(try Data(contentsOf: path) == file.data)
        #expect(fake.server.requests.last?.header("Range") == nil)
    }

    @Test func aCompleteIncompleteFileNeedsNoTransfer() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let file = try #require(fake.files["model.safetensors"])
        let blobs = folder.url.appendingPathComponent("models--org--tiny/blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try file.data.write(to: blobs.appendingPathComponent(file.sha256 + ".incomplete"))
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, showsProgress: false))
        let path = try hub.resolve(fake.repo, file: "model.safetensors")
        #expect(try Data(contentsOf: path) == file.data)
        #expect(fake.server.requests.map(\.method) == ["HEAD"])
    }
}

@Suite struct TokenTests {
    @Test func theTokenIsNotSentToTheCDN() throws {
        let fake = try FakeHub()
        let folder = try TemporaryFolder()
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, endpoint: fake.endpoint, token: "secret",
                                                  showsProgress: false))
        let path = try hub.resolve("org/gated", file: "model.safetensors")
        #expect(try Data(contentsOf: path) == fake.files["model.safetensors"]?.data)
        let requests = fake.server.requests
        #expect(requests.map(\.method) == ["HEAD", "GET"])
        #expect(requests.first?.header("Authorization") == "Bearer secret")
        #expect(requests.last?.path.hasPrefix("/cdn/") == true)
        #expect(requests.last?.header("Host")?.hasPrefix("localhost") == true)
        #expect(requests.last?.header("Authorization") == nil)
    }
}
