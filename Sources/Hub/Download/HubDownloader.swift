// HubDownloader — fetch one file of a repository into the cache, as `hf_hub_download` does.
//
// 1. HEAD `{endpoint}/{repo}/resolve/{revision}/{file}` without following absolute redirects: the hub
//    answers 200 (small git files) or 302 to a CDN (LFS files) with `X-Repo-Commit`, `ETag` or
//    `X-Linked-Etag`, `X-Linked-Size`/`Content-Length`.
// 2. Write `refs/<revision>`; if the blob `blobs/<etag>` is already there only the snapshot link is made.
// 3. GET the file (following redirects) into `blobs/<etag>.incomplete`, resuming with `Range: bytes=N-`
//    from whatever an earlier attempt left, retrying a broken transfer a few times; check the size;
//    rename to the blob; link `snapshots/<commit>/<file>` to it.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct HubDownloader {
    let environment: HubEnvironment
    let cache: HubCache
    var transfer = HTTPTransfer()
    /// Transfers that break are resumed this many times (`http_get`'s `_nb_retries`).
    var maximumRetries = 5

    /// File metadata from the HEAD request.
    struct Metadata: Equatable {
        var commit: String
        var etag: String
        var size: Int
        var location: URL
    }

    /// Outcome of asking the server; `.unreachable` lets the caller fall back to the cache.
    enum MetadataAnswer {
        case metadata(Metadata)
        case unreachable(String)
    }

    // MARK: - URLs and headers

    func resolveURL(_ repo: HubRepo, file: String) -> URL? {
        let prefix: String
        switch repo.kind {
        case .model: prefix = ""
        case .dataset: prefix = "datasets/"
        case .space: prefix = "spaces/"
        }
        let revision = repo.revision.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(
            CharacterSet(charactersIn: "-._~"))) ?? repo.revision
        let path = file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file
        return URL(string: "\(environment.endpoint)/\(prefix)\(repo.id)/resolve/\(revision)/\(path)")
    }

    func request(_ url: URL, method: String) -> HTTPRequest {
        var request = HTTPRequest(url: url)
        request.httpMethod = method
        request.setValue("swiftformers/0.1; hf_hub/compatible", forHTTPHeaderField: "User-Agent")
        // The real size, not a compressed one: sizes are checked against X-Linked-Size.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if let token = environment.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return request
    }

    // MARK: - Metadata

    func fetchMetadata(_ repo: HubRepo, file: String) throws(HubError) -> MetadataAnswer {
        guard let url = resolveURL(repo, file: file) else {
            throw .http(repo: repo.id, file: file, status: 0, message: "cannot form a URL from HF_ENDPOINT \(environment.endpoint)")
        }
        let response = transfer.perform(request(url, method: "HEAD"), redirects: .followRelativeOnly)
        if response.status == 0 {
            return .unreachable(response.transportError ?? "no response from \(environment.endpoint)")
        }
        try checkStatus(response, repo: repo, file: file)
        if response.status >= 500 { return .unreachable("server error \(response.status)") }
        guard let commit = response.header("X-Repo-Commit") else {
            throw .missingMetadata(repo: repo.id, file: file, header: "X-Repo-Commit")
        }
        guard let rawEtag = response.header("X-Linked-Etag") ?? response.header("ETag") else {
            throw .missingMetadata(repo: repo.id, file: file, header: "ETag")
        }
        guard let size = (response.header("X-Linked-Size") ?? response.header("Content-Length")).flatMap({ Int($0) })
        else { throw .missingMetadata(repo: repo.id, file: file, header: "Content-Length") }
        var location = response.url ?? url
        if let header = response.header("Location"), let target = URL(string: header, relativeTo: location) {
            location = target.absoluteURL
        }
        return .metadata(Metadata(commit: commit, etag: Self.normalizeEtag(rawEtag), size: size, location: location))
    }

    /// Map the hub's error statuses (and its `X-Error-Code`) to errors that say what to do.
    private func checkStatus(_ response: HTTPResult, repo: HubRepo, file: String) throws(HubError) {
        let status = response.status
        guard status >= 400 else { return }
        let code = response.header("X-Error-Code") ?? ""
        switch (status, code) {
        case (404, "EntryNotFound"):
            if let commit = response.header("X-Repo-Commit") {
                cache.markMissing(repo, commit: commit, file: file)
                try? cache.writeRef(repo, commit: commit)
            }
            throw .fileNotFound(repo: repo.id, file: file, revision: repo.revision)
        case (404, "RevisionNotFound"):
            throw .revisionNotFound(repo: repo.id, revision: repo.revision)
        case (404, "RepoNotFound"):
            throw .repoNotFound(repo: repo.id)
        case (401, _), (403, _):
            throw .unauthorized(repo: repo.id, file: file, status: status, hasToken: environment.token != nil)
        case (404, _):
            throw .fileNotFound(repo: repo.id, file: file, revision: repo.revision)
        case (500..., _):
            return
        default:
            let message = response.header("X-Error-Message") ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .http(repo: repo.id, file: file, status: status, message: message)
        }
    }

    /// `W/"abc"` and `"abc"` → `abc`, as `_normalize_etag` does.
    static func normalizeEtag(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    // MARK: - Download

    /// Bring `file` into the cache given its metadata and return the snapshot path.
    func download(_ repo: HubRepo, file: String, metadata: Metadata) throws(HubError) -> URL {
        try cache.writeRef(repo, commit: metadata.commit)
        let pointer = cache.snapshotPath(repo, commit: metadata.commit, file: file)
        if FileManager.default.fileExists(atPath: pointer.path) { return pointer }
        let blob = cache.blobPath(repo, etag: metadata.etag)
        try cache.createDirectory(blob.deletingLastPathComponent())
        let lock = try FileLock(path: cache.lockPath(repo, etag: metadata.etag))
        defer { lock.release() }
        if !FileManager.default.fileExists(atPath: blob.path) {
            try fetchBlob(repo, file: file, metadata: metadata, to: blob)
        }
        try cache.linkSnapshot(repo, commit: metadata.commit, file: file, etag: metadata.etag)
        return pointer
    }

    private func fetchBlob(_ repo: HubRepo, file: String, metadata: Metadata, to blob: URL) throws(HubError) {
        let incomplete = URL(fileURLWithPath: blob.path + ".incomplete")
        let manager = FileManager.default
        if !manager.fileExists(atPath: incomplete.path) {
            _ = manager.createFile(atPath: incomplete.path, contents: nil)
        }
        guard let handle = try? FileHandle(forWritingTo: incomplete) else {
            throw .fileSystem(path: incomplete.path, reason: "cannot open for writing")
        }
        defer { try? handle.close() }
        var have = Int((try? handle.seekToEnd()) ?? 0)
        if have > metadata.size {
            // Longer than the file: not a prefix of it (the file changed under the same name?). Start over.
            try? handle.truncate(atOffset: 0)
            have = 0
        }
        let bar = ProgressBar(label: file, total: metadata.size, initial: have, enabled: environment.showsProgress)
        var attempts = 0
        var lastError = ""
        while have < metadata.size || (metadata.size == 0 && attempts == 0) {
            if attempts > maximumRetries {
                throw .network(repo: repo.id, file: file, reason: "transfer broke \(attempts) times: \(lastError)")
            }
            attempts += 1
            var request = request(metadata.location, method: "GET")
            if metadata.location.host != URL(string: environment.endpoint)?.host {
                // A signed CDN URL: the token must not leave the hub (as `huggingface_hub` drops it).
                request.setValue(nil, forHTTPHeaderField: "Authorization")
            }
            if have > 0 { request.setValue("bytes=\(have)-", forHTTPHeaderField: "Range") }
            let start = have
            let response = transfer.perform(request, redirects: .followAll, output: handle) { received in
                bar.update(start + received)
            }
            if response.status == 416 || (have > 0 && response.status == 200) {
                // The server ignored or refused the range: start over.
                // (A 200 wrote the whole body after the old bytes; drop both and fetch again from 0.)
                try? handle.truncate(atOffset: 0)
                have = 0
                continue
            }
            if response.status == 0 && response.bytesWritten == 0 {
                throw .network(repo: repo.id, file: file, reason: response.transportError ?? "no response")
            }
            if response.status >= 400 {
                try checkStatus(response, repo: repo, file: file)
                throw .http(repo: repo.id, file: file, status: response.status, message: "download failed")
            }
            have = Int((try? handle.seekToEnd()) ?? UInt64(have))
            lastError = response.transportError ?? ""
            if response.transportError == nil && have < metadata.size {
                throw .sizeMismatch(repo: repo.id, file: file, expected: metadata.size, received: have)
            }
        }
        if have != metadata.size {
            throw .sizeMismatch(repo: repo.id, file: file, expected: metadata.size, received: have)
        }
        bar.finish()
        try? handle.close()
        do {
            try manager.moveItem(at: incomplete, to: blob)
        } catch {
            throw .fileSystem(path: blob.path, reason: "cannot move the finished download: \(error.localizedDescription)")
        }
    }
}

// MARK: - Lock

/// An exclusive `flock` on `.locks/<repo>/<etag>.lock`, so two processes do not write the same blob
/// (the lock file is where `huggingface_hub` puts its own).
struct FileLock {
    private let descriptor: Int32

    init(path: URL) throws(HubError) {
        try? FileManager.default.createDirectory(at: path.deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        descriptor = open(path.path, O_RDWR | O_CREAT, 0o644)
        if descriptor < 0 { throw .fileSystem(path: path.path, reason: "cannot open the lock file") }
        _ = flock(descriptor, LOCK_EX)
    }

    func release() {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
