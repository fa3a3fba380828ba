// HubCache — the on-disk cache layout of Python's `huggingface_hub`, read and written identically.
//
//   <root>/models--org--name/
//       refs/<revision>                 the commit hash a branch/tag pointed to (no trailing newline)
//       blobs/<etag>                    file contents, named by ETag (sha256 for LFS files, git sha1 otherwise)
//       snapshots/<commit>/<file>       relative symlinks ../../blobs/<etag> (deeper for files in folders)
//       .no_exist/<commit>/<file>       empty markers: the file is known not to exist at that commit
//   <root>/.locks/models--org--name/<etag>.lock
//
// A cache filled by Python tools is reused as is, and one filled here is usable from Python.

import Foundation

public struct HubCache: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The answer of a cache lookup (Python's `try_to_load_from_cache`).
    public enum Lookup: Sendable, Equatable {
        case found(URL)
        /// `.no_exist` says the file does not exist at this commit.
        case knownMissing
        case notCached
    }

    // MARK: - Paths

    public func repoFolder(_ repo: HubRepo) -> URL {
        root.appendingPathComponent(repo.cacheFolderName, isDirectory: true)
    }

    func blobsFolder(_ repo: HubRepo) -> URL { repoFolder(repo).appendingPathComponent("blobs", isDirectory: true) }

    public func blobPath(_ repo: HubRepo, etag: String) -> URL {
        blobsFolder(repo).appendingPathComponent(etag)
    }

    public func snapshotPath(_ repo: HubRepo, commit: String, file: String) -> URL {
        repoFolder(repo).appendingPathComponent("snapshots/\(commit)/\(file)")
    }

    func lockPath(_ repo: HubRepo, etag: String) -> URL {
        root.appendingPathComponent(".locks/\(repo.cacheFolderName)/\(etag).lock")
    }

    // MARK: - Reading

    /// The commit a revision stands for: the revision itself when it is a commit hash, else the content of
    /// `refs/<revision>`. Like Python, a 40-hex revision is taken as is.
    public func commitHash(_ repo: HubRepo) -> String? {
        let refFile = repoFolder(repo).appendingPathComponent("refs/\(repo.revision)")
        if let text = try? String(contentsOf: refFile, encoding: .utf8) {
            let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !commit.isEmpty { return commit }
        }
        return repo.revisionIsCommitHash ? repo.revision : nil
    }

    /// The snapshot folder of the revision, if the cache has one.
    public func snapshotFolder(_ repo: HubRepo) -> URL? {
        guard let commit = commitHash(repo) else { return nil }
        let folder = repoFolder(repo).appendingPathComponent("snapshots/\(commit)", isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return folder
    }

    /// Python's `try_to_load_from_cache`: the snapshot path when the file is there (its symlink resolving to
    /// a regular file), `.knownMissing` when `.no_exist` records its absence.
    public func lookup(_ repo: HubRepo, file: String) -> Lookup {
        guard let commit = commitHash(repo) else { return .notCached }
        let marker = repoFolder(repo).appendingPathComponent(".no_exist/\(commit)/\(file)")
        if FileManager.default.fileExists(atPath: marker.path) { return .knownMissing }
        let path = snapshotPath(repo, commit: commit, file: file)
        var isDirectory: ObjCBool = false
        // fileExists follows symlinks: a dangling link (blob deleted) counts as not cached.
        if FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return .found(path)
        }
        return .notCached
    }

    /// Files of the cached snapshot, as repo-relative paths (`onnx/model.onnx`), sorted. Only what has been
    /// downloaded is listed: the cache does not know the repository's full file list.
    public func listFiles(_ repo: HubRepo) -> [String] {
        guard let folder = snapshotFolder(repo) else { return [] }
        return Self.listFiles(under: folder)
    }

    /// Regular files (or symlinks to them) under `folder`, relative, sorted. Dotfiles are repository files
    /// (`.gitattributes`); only tool folders (`.git`, `.cache` of `local_dir` downloads) are skipped.
    static func listFiles(under folder: URL) -> [String] {
        let manager = FileManager.default
        var result: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let directory = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names where !Self.skippedNames.contains(name) {
                let child = relative.isEmpty ? name : relative + "/" + name
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: folder.appendingPathComponent(child).path, isDirectory: &isDirectory)
                else { continue }
                if isDirectory.boolValue { pending.append(child) } else { result.append(child) }
            }
        }
        return result.sorted()
    }

    private static let skippedNames: Set<String> = [".git", ".cache", ".DS_Store"]

    // MARK: - Writing (as `huggingface_hub.file_download` does)

    /// Record which commit a branch/tag points to (`_cache_commit_hash_for_specific_revision`): nothing for a
    /// revision that already is the commit; the file is rewritten only when its content changes.
    public func writeRef(_ repo: HubRepo, commit: String) throws(HubError) {
        guard repo.revision != commit else { return }
        let refFile = repoFolder(repo).appendingPathComponent("refs/\(repo.revision)")
        if (try? String(contentsOf: refFile, encoding: .utf8)) == commit { return }
        try createDirectory(refFile.deletingLastPathComponent())
        do {
            try Data(commit.utf8).write(to: refFile, options: .atomic)
        } catch {
            throw .fileSystem(path: refFile.path, reason: "cannot write the ref: \(error.localizedDescription)")
        }
    }

    /// Link `snapshots/<commit>/<file>` to `blobs/<etag>` with a relative path (`../../blobs/…`, one more
    /// `../` per folder level in `file`), replacing an existing link, as `_create_symlink` does.
    public func linkSnapshot(_ repo: HubRepo, commit: String, file: String, etag: String) throws(HubError) {
        let pointer = snapshotPath(repo, commit: commit, file: file)
        try createDirectory(pointer.deletingLastPathComponent())
        let depth = file.split(separator: "/").count - 1
        let target = String(repeating: "../", count: depth + 2) + "blobs/" + etag
        let manager = FileManager.default
        try? manager.removeItem(at: pointer)
        do {
            try manager.createSymbolicLink(atPath: pointer.path, withDestinationPath: target)
        } catch {
            throw .fileSystem(path: pointer.path, reason: "cannot create the snapshot link: \(error.localizedDescription)")
        }
    }

    /// Remember that `file` does not exist at `commit` (an empty `.no_exist` marker).
    public func markMissing(_ repo: HubRepo, commit: String, file: String) {
        let marker = repoFolder(repo).appendingPathComponent(".no_exist/\(commit)/\(file)")
        try? FileManager.default.createDirectory(at: marker.deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: marker.path) {
            _ = FileManager.default.createFile(atPath: marker.path, contents: Data())
        }
    }

    func createDirectory(_ url: URL) throws(HubError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }
}
