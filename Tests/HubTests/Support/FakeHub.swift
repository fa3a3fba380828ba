// FakeHub — serves Fixtures/cache_layout/spec.json the way huggingface.co answers `resolve` URLs
// (the same answers the fixture generator's Python server gave to `hf_hub_download`), plus the
// error cases: gated repo (401 without the right token), redirects, and a transfer that breaks.

import Foundation
@testable import Hub

struct SpecFile {
    var path: String
    var lfs: Bool
    var data: Data
    var sha256: String
    var gitSHA1: String
}

final class FakeHub: @unchecked Sendable {
    let repo: String
    let commit: String
    let files: [String: SpecFile]
    let missing: [String]
    let server: LoopbackServer
    /// Break the first GET of each LFS file after this many bytes (nil: never).
    let breakFirstTransferAfter: Int?
    private let lock = NSLock()
    private var broken: Set<String> = []

    var endpoint: String { server.baseURL }
    /// Where LFS files are served from: another host name for the same server stands for a CDN.
    var cdnBase: String { "http://localhost:\(server.port)" }

    init(breakFirstTransferAfter: Int? = nil) throws {
        let spec = try Fixture.json("cache_layout/spec.json")
        repo = spec["repo"]?.stringValue ?? ""
        commit = spec["commit"]?.stringValue ?? ""
        var files: [String: SpecFile] = [:]
        for item in spec["files"]?.arrayValue ?? [] {
            let path = item["path"]?.stringValue ?? ""
            files[path] = SpecFile(
                path: path, lfs: item["kind"]?.stringValue == "lfs",
                data: Data(base64Encoded: item["base64"]?.stringValue ?? "") ?? Data(),
                sha256: item["sha256"]?.stringValue ?? "", gitSHA1: item["git_sha1"]?.stringValue ?? "")
        }
        self.files = files
        missing = spec["missing"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.breakFirstTransferAfter = breakFirstTransferAfter
        var handler: LoopbackServer.Handler = { _ in CannedResponse(status: 500) }
        let box = HandlerBox()
        handler = { request in box.hub?.answer(request) ?? CannedResponse(status: 500) }
        server = try LoopbackServer(handler: handler)
        box.hub = self
    }

    deinit { server.stop() }

    private final class HandlerBox: @unchecked Sendable {
        weak var hub: FakeHub?
    }

    // MARK: - Routes

    func answer(_ request: RecordedRequest) -> CannedResponse {
        let path = request.path.removingPercentEncoding ?? request.path
        if path.hasPrefix("/cdn/") { return cdn(String(path.dropFirst(5)), request: request) }
        if path.hasPrefix("/old/tiny/") {
            // A renamed repo: relative redirect to the new name.
            return CannedResponse(status: 307, headers: [("Location", "/" + repo + path.dropFirst("/old/tiny".count))])
        }
        if path.hasPrefix("/org/gated/resolve/main/") {
            guard request.header("Authorization") == "Bearer secret" else {
                return CannedResponse(status: 401, headers: [("X-Error-Code", "GatedRepo"),
                                                             ("X-Error-Message", "Access to model org/gated is restricted.")])
            }
            return resolve(String(path.dropFirst("/org/gated/resolve/main/".count)), request: request)
        }
        if path == "/api/models/\(repo)/revision/main" {
            var siblings: [JSONValue] = []
            for name in files.keys.sorted() { siblings.append(["rfilename": .string(name)]) }
            let body: JSONValue = ["id": .string(repo), "sha": .string(commit), "siblings": .array(siblings)]
            return CannedResponse(status: 200, headers: [("Content-Type", "application/json")],
                                  body: Data(body.serialized().utf8))
        }
        if path.hasPrefix("/api/models/") {
            return CannedResponse(status: 404, headers: [("X-Error-Code", "RepoNotFound")])
        }
        let prefix = "/\(repo)/resolve/main/"
        let commitPrefix = "/\(repo)/resolve/\(commit)/"
        if path.hasPrefix(prefix) { return resolve(String(path.dropFirst(prefix.count)), request: request) }
        if path.hasPrefix(commitPrefix) { return resolve(String(path.dropFirst(commitPrefix.count)), request: request) }
        if path.hasPrefix("/\(repo)/resolve/") {
            return CannedResponse(status: 404, headers: [("X-Error-Code", "RevisionNotFound")])
        }
        return CannedResponse(status: 404, headers: [("X-Error-Code", "RepoNotFound")])
    }

    private func resolve(_ name: String, request: RecordedRequest) -> CannedResponse {
        guard let file = files[name] else {
            return CannedResponse(status: 404, headers: [("X-Repo-Commit", commit), ("X-Error-Code", "EntryNotFound")])
        }
        if !file.lfs {
            return CannedResponse(status: 200, headers: [("X-Repo-Commit", commit), ("ETag", "\"\(file.gitSHA1)\"")],
                                  body: file.data)
        }
        return CannedResponse(status: 302, headers: [
            ("X-Repo-Commit", commit), ("ETag", "\"pointer-etag\""), ("X-Linked-Etag", "\"\(file.sha256)\""),
            ("X-Linked-Size", String(file.data.count)), ("Location", "\(cdnBase)/cdn/\(file.sha256)"),
            ("Content-Length", "0"),
        ])
    }

    private func cdn(_ sha: String, request: RecordedRequest) -> CannedResponse {
        guard let file = files.values.first(where: { $0.sha256 == sha }) else { return CannedResponse(status: 404) }
        if let range = request.header("Range"), range.hasPrefix("bytes="), range.hasSuffix("-"),
            let start = Int(range.dropFirst(6).dropLast())
        {
            guard start < file.data.count else { return CannedResponse(status: 416) }
            return CannedResponse(status: 206, headers: [
                ("Content-Range", "bytes \(start)-\(file.data.count - 1)/\(file.data.count)"),
            ], body: file.data.subdata(in: start..<file.data.count))
        }
        if let limit = breakFirstTransferAfter, request.method == "GET", markBroken(sha) {
            return CannedResponse(status: 200, body: file.data, truncateAfter: limit)
        }
        return CannedResponse(status: 200, body: file.data)
    }

    /// True the first time for each file.
    private func markBroken(_ sha: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return broken.insert(sha).inserted
    }
}
