// Hub+Snapshot — the repository's file list from the hub API and `snapshot_download`.
//
// The cache only knows what was downloaded; to fetch "every *.safetensors shard" or a whole repo the
// file list comes from `GET {endpoint}/api/{models}/{repo}/revision/{revision}` (`siblings[].rfilename`,
// `sha`), as `huggingface_hub.snapshot_download` gets it.

import Foundation

extension Hub {
    /// The files of `repo` at its revision, and the commit the revision resolves to, from the hub API.
    public func remoteFiles(_ repo: HubRepo) throws(HubError) -> (commit: String, files: [String]) {
        if environment.offline {
            throw .offlineNotCached(repo: repo.id, file: "(file list)", revision: repo.revision, cache: cache.root.path)
        }
        let kind = repo.kind == .model ? "models" : repo.kind.rawValue + "s"
        let revision = repo.revision.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(
            CharacterSet(charactersIn: "-._~"))) ?? repo.revision
        guard let url = URL(string: "\(environment.endpoint)/api/\(kind)/\(repo.id)/revision/\(revision)") else {
            throw .http(repo: repo.id, file: "(file list)", status: 0, message: "cannot form the API URL")
        }
        let downloader = HubDownloader(environment: environment, cache: cache)
        let response = downloader.transfer.perform(downloader.request(url, method: "GET"), redirects: .followAll)
        switch response.status {
        case 0:
            throw .network(repo: repo.id, file: "(file list)", reason: response.transportError ?? "no response")
        case 200..<300:
            break
        case 401, 403:
            throw .unauthorized(repo: repo.id, file: "(file list)", status: response.status,
                                hasToken: environment.token != nil)
        case 404:
            if response.header("X-Error-Code") == "RevisionNotFound" {
                throw .revisionNotFound(repo: repo.id, revision: repo.revision)
            }
            throw .repoNotFound(repo: repo.id)
        default:
            throw .http(repo: repo.id, file: "(file list)", status: response.status, message: "")
        }
        guard let info = try? JSONValue(parsing: response.body), let commit = info["sha"]?.stringValue else {
            throw .missingMetadata(repo: repo.id, file: "(file list)", header: "JSON body with 'sha'")
        }
        let files = (info["siblings"]?.arrayValue ?? []).compactMap { $0["rfilename"]?.stringValue }
        return (commit, files)
    }

    /// `snapshot_download`: every file of the reference matching one of `patterns` (fnmatch-style globs such
    /// as `*.json`, `*.safetensors`; all files when empty) brought into the cache; returns the snapshot folder.
    /// Offline, or for a local folder, the existing folder is returned as is.
    public func snapshotDownload(_ reference: String, revision: String? = nil,
                                 patterns: [String] = []) throws(HubError) -> URL
    {
        let repo: HubRepo
        switch try self.reference(reference, revision: revision) {
        case .folder(let folder): return folder
        case .repo(let parsed): repo = parsed
        }
        if environment.offline {
            guard let folder = cache.snapshotFolder(repo) else {
                throw .offlineNotCached(repo: repo.id, file: "(snapshot)", revision: repo.revision, cache: cache.root.path)
            }
            return folder
        }
        let (commit, files) = try remoteFiles(repo)
        // Pin the commit so every file comes from the same one, and record the ref as Python does.
        try cache.writeRef(repo, commit: commit)
        let pinned = try HubRepo(id: repo.id, revision: commit, kind: repo.kind)
        for file in files where patterns.isEmpty || patterns.contains(where: { Glob.matches(file, pattern: $0) }) {
            _ = try resolve(pinned, file: file)
        }
        return cache.repoFolder(repo).appendingPathComponent("snapshots/\(commit)", isDirectory: true)
    }
}

/// `fnmatch.fnmatch` as `huggingface_hub.utils.filter_repo_objects` uses it: `*` matches any run of
/// characters (slashes included), `?` one character, `[abc]` a set; a pattern ending in `/` means the folder.
enum Glob {
    static func matches(_ name: String, pattern: String) -> Bool {
        let pattern = pattern.hasSuffix("/") ? pattern + "*" : pattern
        return match(Array(name.unicodeScalars)[...], Array(pattern.unicodeScalars)[...])
    }

    private static func match(_ name: ArraySlice<Unicode.Scalar>, _ pattern: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let head = pattern.first else { return name.isEmpty }
        switch head {
        case "*":
            let rest = pattern.dropFirst()
            var index = name.startIndex
            while true {
                if match(name[index...], rest) { return true }
                if index == name.endIndex { return false }
                index += 1
            }
        case "?":
            return !name.isEmpty && match(name.dropFirst(), pattern.dropFirst())
        case "[":
            guard let close = pattern.dropFirst().firstIndex(of: "]"), let character = name.first else {
                return name.first == "[" && match(name.dropFirst(), pattern.dropFirst())
            }
            var set = pattern[(pattern.startIndex + 1)..<close]
            let negated = set.first == "!"
            if negated { set = set.dropFirst() }
            var found = false
            var index = set.startIndex
            while index < set.endIndex {
                if index + 2 < set.endIndex, set[index + 1] == "-" {
                    if set[index].value <= character.value && character.value <= set[index + 2].value { found = true }
                    index += 3
                } else {
                    if set[index] == character { found = true }
                    index += 1
                }
            }
            return found != negated && match(name.dropFirst(), pattern[(close + 1)...])
        default:
            return name.first == head && match(name.dropFirst(), pattern.dropFirst())
        }
    }
}
