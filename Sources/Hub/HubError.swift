// HubError — why a file could not be had, naming the repository, the file and what to do.

public enum HubError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRepoID(String, reason: String)
    /// The reference is a local folder, and the file is not in it.
    case missingLocalFile(folder: String, file: String)
    /// The reference is a path (`./x`, `/x`, `~/x`) that is not an existing folder.
    case missingFolder(String)
    /// Offline (`HF_HUB_OFFLINE=1` or no network) and the cache has no copy.
    case offlineNotCached(repo: String, file: String, revision: String, cache: String)
    /// The server says the file does not exist at that revision (404 EntryNotFound), or the cache remembers so.
    case fileNotFound(repo: String, file: String, revision: String)
    case repoNotFound(repo: String)
    case revisionNotFound(repo: String, revision: String)
    /// 401/403: private or gated repository, no token or a token without access.
    case unauthorized(repo: String, file: String, status: Int, hasToken: Bool)
    case http(repo: String, file: String, status: Int, message: String)
    /// The network failed and the cache has no copy.
    case network(repo: String, file: String, reason: String)
    /// The server answered without the headers a hub sends (not a hub behind `HF_ENDPOINT`?).
    case missingMetadata(repo: String, file: String, header: String)
    case sizeMismatch(repo: String, file: String, expected: Int, received: Int)
    case fileSystem(path: String, reason: String)
    /// Neither safetensors nor a PyTorch checkpoint (single or sharded) could be found.
    case noWeightFiles(reference: String)

    public var description: String {
        switch self {
        case .invalidRepoID(let id, let reason):
            return "invalid repo id '\(id)': \(reason) (expected 'name' or 'namespace/name', e.g. 'bert-base-uncased')"
        case .missingLocalFile(let folder, let file):
            return "\(file) not found in the local folder \(folder)"
        case .missingFolder(let path):
            return "\(path): no such folder (a path, so not taken as a repo id)"
        case .offlineNotCached(let repo, let file, let revision, let cache):
            return "\(repo): \(file) (revision \(revision)) is offline and not in cache (\(cache)); "
                + "unset HF_HUB_OFFLINE or run Scripts/get-models / download it first"
        case .fileNotFound(let repo, let file, let revision):
            return "404: file \(file) not found in repo \(repo) (revision \(revision))"
        case .repoNotFound(let repo):
            return "404: repo \(repo) not found (check the name; private repos need HF_TOKEN)"
        case .revisionNotFound(let repo, let revision):
            return "404: revision \(revision) not found in repo \(repo)"
        case .unauthorized(let repo, let file, let status, let hasToken):
            let advice = hasToken ? "the token in HF_TOKEN has no access to it" : "set HF_TOKEN"
            return "\(status): gated or private repo \(repo) (file \(file)), \(advice)"
        case .http(let repo, let file, let status, let message):
            return "HTTP \(status) for \(file) in repo \(repo)" + (message.isEmpty ? "" : ": \(message)")
        case .network(let repo, let file, let reason):
            return "\(repo): cannot download \(file) (\(reason)) and it is not in cache"
        case .missingMetadata(let repo, let file, let header):
            return "\(repo): the server's answer for \(file) has no \(header) header; is HF_ENDPOINT a Hugging Face hub?"
        case .sizeMismatch(let repo, let file, let expected, let received):
            return "\(repo): download of \(file) ended with \(received) bytes, expected \(expected)"
        case .fileSystem(let path, let reason):
            return "\(path): \(reason)"
        case .noWeightFiles(let reference):
            return "\(reference): no model.safetensors, model.safetensors.index.json, pytorch_model.bin "
                + "or pytorch_model.bin.index.json found"
        }
    }
}
