// Hub — turn a model reference (a local folder or a repo id) into files on disk.
//
// Lookup order for a repo id: the cache (as `huggingface_hub` lays it out), then — unless offline — the
// server named by `HF_ENDPOINT`. When the network fails, a cached copy of the same revision is used, as
// the Python client does. One deliberate difference: a file already cached for the revision is returned
// without asking the server whether `main` moved (`checkForUpdates: true` asks, as Python always does),
// so loading a cached model never waits on the network.

import Foundation

public struct Hub: Sendable {
    public var environment: HubEnvironment
    /// Ask the server for the current commit of a branch even when the cache has the file.
    public var checkForUpdates: Bool

    public init(environment: HubEnvironment = HubEnvironment(), checkForUpdates: Bool = false) {
        self.environment = environment
        self.checkForUpdates = checkForUpdates
    }

    public var cache: HubCache { HubCache(root: environment.cacheDirectory) }

    // MARK: - References

    /// A model reference: a folder on disk, or a repository on the hub.
    public enum Reference: Sendable, Equatable {
        case folder(URL)
        case repo(HubRepo)
    }

    /// An existing directory is a folder (as `os.path.isdir` decides in `transformers`); anything else must
    /// be a valid repo id.
    public func reference(_ text: String, revision: String? = nil) throws(HubError) -> Reference {
        let expanded = HubEnvironment.expandingTilde(text, home: FileManager.default.homeDirectoryForCurrentUser)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue {
            return .folder(URL(fileURLWithPath: expanded, isDirectory: true).standardizedFileURL)
        }
        if text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix("~") {
            throw .missingFolder(text)
        }
        return .repo(try HubRepo(id: text, revision: revision))
    }

    // MARK: - Files

    /// The local path of `file` from `reference` (folder or repo id), downloading it if needed and allowed.
    public func resolve(_ reference: String, file: String, revision: String? = nil) throws(HubError) -> URL {
        switch try self.reference(reference, revision: revision) {
        case .folder(let folder):
            let path = folder.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path.path) else {
                throw .missingLocalFile(folder: folder.path, file: file)
            }
            return path
        case .repo(let repo):
            return try resolve(repo, file: file)
        }
    }

    /// The local path of `file` in `repo`, from the cache or downloaded.
    public func resolve(_ repo: HubRepo, file: String) throws(HubError) -> URL {
        let cache = self.cache
        let cached = cache.lookup(repo, file: file)
        let mayUseCacheFirst = !checkForUpdates || repo.revisionIsCommitHash || environment.offline
        if mayUseCacheFirst {
            switch cached {
            case .found(let path): return path
            case .knownMissing: throw .fileNotFound(repo: repo.id, file: file, revision: repo.revision)
            case .notCached: break
            }
        }
        if environment.offline {
            throw .offlineNotCached(repo: repo.id, file: file, revision: repo.revision, cache: cache.root.path)
        }
        let downloader = HubDownloader(environment: environment, cache: cache)
        switch try downloader.fetchMetadata(repo, file: file) {
        case .metadata(let metadata):
            return try downloader.download(repo, file: file, metadata: metadata)
        case .unreachable(let reason):
            if case .found(let path) = cached { return path }
            throw .network(repo: repo.id, file: file, reason: reason)
        }
    }

    /// Whether `file` exists: in the folder, in the cache, or (online) on the server — asked with a HEAD
    /// request only, nothing is downloaded (as `transformers.utils.has_file`). Errors count as "no": a loader
    /// probes `model.safetensors` before `pytorch_model.bin`.
    public func fileExists(_ reference: String, file: String, revision: String? = nil) -> Bool {
        guard let parsed = try? self.reference(reference, revision: revision) else { return false }
        switch parsed {
        case .folder(let folder):
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path)
        case .repo(let repo):
            switch cache.lookup(repo, file: file) {
            case .found: return true
            case .knownMissing: return false
            case .notCached:
                guard !environment.offline else { return false }
                let downloader = HubDownloader(environment: environment, cache: cache)
                if case .metadata? = try? downloader.fetchMetadata(repo, file: file) { return true }
                return false
            }
        }
    }

    /// The folder holding the files: the local folder itself, or the cached snapshot of the revision.
    /// `nil` when the repo has nothing cached for that revision.
    public func snapshotFolder(_ reference: String, revision: String? = nil) throws(HubError) -> URL? {
        switch try self.reference(reference, revision: revision) {
        case .folder(let folder): return folder
        case .repo(let repo): return cache.snapshotFolder(repo)
        }
    }

    /// Files available locally for the reference (repo-relative paths, sorted). For a repo this is what the
    /// cache holds — the hub's own listing needs its API, which this client does not call.
    public func listFiles(_ reference: String, revision: String? = nil) throws(HubError) -> [String] {
        switch try self.reference(reference, revision: revision) {
        case .folder(let folder): return HubCache.listFiles(under: folder)
        case .repo(let repo): return cache.listFiles(repo)
        }
    }

    /// The weight files to load: `model.safetensors`, else the shards named by `model.safetensors.index.json`,
    /// else `pytorch_model.bin` (and its index), resolving (and downloading) each. A candidate that does not
    /// exist (or is offline and not cached) moves on to the next; other failures (401, network) are thrown.
    public func weightFiles(_ reference: String, revision: String? = nil) throws -> [URL] {
        for (single, index) in [("model.safetensors", "model.safetensors.index.json"),
                                ("pytorch_model.bin", "pytorch_model.bin.index.json")]
        {
            if let path = try resolveIfPresent(reference, file: single, revision: revision) { return [path] }
            if let indexPath = try resolveIfPresent(reference, file: index, revision: revision) {
                let json = try JSONValue(contentsOf: indexPath)
                var shards: [String] = []
                for (_, value) in json["weight_map"]?.objectValue ?? JSONObject() {
                    if let name = value.stringValue, !shards.contains(name) { shards.append(name) }
                }
                return try shards.sorted().map { shard throws(HubError) in
                    try resolve(reference, file: shard, revision: revision)
                }
            }
        }
        throw HubError.noWeightFiles(reference: reference)
    }

    /// `resolve`, with "this file is not there" as nil instead of an error.
    private func resolveIfPresent(_ reference: String, file: String, revision: String?) throws(HubError) -> URL? {
        do {
            return try resolve(reference, file: file, revision: revision)
        } catch {
            switch error {
            case .fileNotFound, .missingLocalFile, .offlineNotCached: return nil
            default: throw error
            }
        }
    }
}
