// Reading the cache, references, repo ids and environment settings.

import Foundation
import Testing
@testable import Hub

@Suite struct CacheTests {
    /// Build the layout `hf_hub_download` wrote (Fixtures/cache_layout/expected_layout.json) file by file.
    private func pythonCache() throws -> (TemporaryFolder, FakeHubSpec) {
        let folder = try TemporaryFolder()
        let spec = try FakeHubSpec()
        for entry in try Fixture.json("cache_layout/expected_layout.json").arrayValue ?? [] {
            let path = folder.url.appendingPathComponent(entry["path"]?.stringValue ?? "")
            switch entry["type"]?.stringValue {
            case "dir":
                try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            case "symlink":
                try FileManager.default.createSymbolicLink(atPath: path.path,
                                                           withDestinationPath: entry["target"]?.stringValue ?? "")
            default:
                let sha = entry["sha256"]?.stringValue ?? ""
                let data = path.path.hasSuffix("refs/main") ? Data(spec.commit.utf8) : (spec.contents[sha] ?? Data())
                try data.write(to: path)
            }
        }
        return (folder, spec)
    }

    @Test func readsACacheWrittenByPython() throws {
        let (folder, spec) = try pythonCache()
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, offline: true))
        let config = try hub.resolve("org/tiny", file: "config.json")
        #expect(config.path == folder.url.path + "/models--org--tiny/snapshots/\(spec.commit)/config.json")
        #expect(try hub.resolve("org/tiny", file: "onnx/model.onnx").lastPathComponent == "model.onnx")
        #expect(try hub.listFiles("org/tiny")
            == ["config.json", "model.safetensors", "onnx/model.onnx", "tokenizer_config.json"])
        #expect(hub.cache.lookup(try HubRepo(id: "org/tiny"), file: "pytorch_model.bin") == .knownMissing)
        #expect(hub.cache.lookup(try HubRepo(id: "org/tiny"), file: "vocab.txt") == .notCached)
        #expect(hub.cache.lookup(try HubRepo(id: "org/tiny", revision: "v2"), file: "config.json") == .notCached)
        #expect(try hub.weightFiles("org/tiny").map(\.lastPathComponent) == ["model.safetensors"])
        #expect(throws: HubError.offlineNotCached(repo: "org/tiny", file: "vocab.txt", revision: "main",
                                                  cache: folder.url.path)) {
            try hub.resolve("org/tiny", file: "vocab.txt")
        }
    }

    @Test func aDeletedBlobIsNotACachedFile() throws {
        let (folder, spec) = try pythonCache()
        let blob = folder.url.appendingPathComponent("models--org--tiny/blobs/\(spec.sha256["model.safetensors"] ?? "")")
        try FileManager.default.removeItem(at: blob)
        let cache = HubCache(root: folder.url)
        #expect(cache.lookup(try HubRepo(id: "org/tiny"), file: "model.safetensors") == .notCached)
    }

    @Test func localFoldersAreUsedAsTheyAre() throws {
        let folder = try TemporaryFolder()
        try Data("{}".utf8).write(to: folder.url.appendingPathComponent("config.json"))
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url.appendingPathComponent("cache"), offline: true))
        #expect(try hub.resolve(folder.url.path, file: "config.json").lastPathComponent == "config.json")
        #expect(throws: HubError.missingLocalFile(folder: folder.url.standardizedFileURL.path, file: "tokenizer.json")) {
            try hub.resolve(folder.url.path, file: "tokenizer.json")
        }
        #expect(try hub.snapshotFolder(folder.url.path)?.standardizedFileURL.path == folder.url.standardizedFileURL.path)
        #expect(throws: HubError.self) { try hub.weightFiles(folder.url.path) }
        #expect(throws: HubError.missingFolder("./no/such/folder")) { try hub.resolve("./no/such/folder", file: "x") }
    }

    @Test func shardedWeightsFollowTheIndex() throws {
        let folder = try TemporaryFolder()
        let index = #"{"metadata": {}, "weight_map": {"a": "model-00002-of-00002.safetensors", "b": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}}"#
        try Data(index.utf8).write(to: folder.url.appendingPathComponent("model.safetensors.index.json"))
        for name in ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"] {
            try Data().write(to: folder.url.appendingPathComponent(name))
        }
        let hub = Hub(environment: HubEnvironment(cacheDirectory: folder.url, offline: true))
        #expect(try hub.weightFiles(folder.url.path).map(\.lastPathComponent)
            == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
    }

    @Test(arguments: ["bert-base-uncased", "google-bert/bert-base-uncased", "a/b.c_d-e", "openai/whisper-tiny.en"])
    func validRepoIDs(id: String) throws {
        let repo = try HubRepo(id: id)
        #expect(repo.revision == "main")
        #expect(repo.cacheFolderName == "models--" + id.replacingOccurrences(of: "/", with: "--"))
    }

    @Test(arguments: ["", "a/b/c", "a--b", "a..b", "-abc", "name.git", "has space", "/abs", "x/"])
    func invalidRepoIDs(id: String) {
        #expect(throws: HubError.self) { try HubRepo(id: id) }
    }

    @Test func environmentFollowsHuggingFaceHubConstants() {
        let home = "/home/someone"
        var env = HubEnvironment(variables: ["HOME": home])
        #expect(env.cacheDirectory.path == "/home/someone/.cache/huggingface/hub")
        #expect(env.endpoint == "https://huggingface.co")
        #expect(env.offline == false)
        env = HubEnvironment(variables: ["HOME": home, "HF_HOME": "~/hf", "HF_ENDPOINT": "http://127.0.0.1:9/",
                                         "HF_HUB_OFFLINE": "1", "HF_TOKEN": "abc"])
        #expect(env.cacheDirectory.path == "/home/someone/hf/hub")
        #expect(env.endpoint == "http://127.0.0.1:9")
        #expect(env.offline)
        #expect(env.token == "abc")
        env = HubEnvironment(variables: ["HOME": home, "HF_HOME": "/x", "HF_HUB_CACHE": "/y/cache",
                                         "TRANSFORMERS_OFFLINE": "yes"])
        #expect(env.cacheDirectory.path == "/y/cache")
        #expect(env.offline)
        env = HubEnvironment(variables: ["HOME": home, "XDG_CACHE_HOME": "/xdg", "HF_HUB_OFFLINE": "0"])
        #expect(env.cacheDirectory.path == "/xdg/huggingface/hub")
        #expect(!env.offline)
    }

    @Test func etagsAreNormalizedLikePython() {
        #expect(HubDownloader.normalizeEtag("W/\"abc\"") == "abc")
        #expect(HubDownloader.normalizeEtag("\"abc\"") == "abc")
        #expect(HubDownloader.normalizeEtag("abc") == "abc")
    }
}

/// The spec's file contents by sha256, for rebuilding the Python-written cache.
struct FakeHubSpec {
    let commit: String
    var contents: [String: Data] = [:]
    var sha256: [String: String] = [:]

    init() throws {
        let spec = try Fixture.json("cache_layout/spec.json")
        commit = spec["commit"]?.stringValue ?? ""
        for item in spec["files"]?.arrayValue ?? [] {
            let data = Data(base64Encoded: item["base64"]?.stringValue ?? "") ?? Data()
            contents[item["sha256"]?.stringValue ?? ""] = data
            contents[item["git_sha1"]?.stringValue ?? ""] = data
            sha256[item["path"]?.stringValue ?? ""] = item["sha256"]?.stringValue
        }
        contents["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"] = Data()
    }
}
