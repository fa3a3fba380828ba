// HubRepo — a repository id (`org/name` or `name`) and the revision wanted from it.

public struct HubRepo: Sendable, Hashable, CustomStringConvertible {
    /// What kind of repository: the cache folder prefix (`models--`) and the URL prefix differ.
    public enum Kind: String, Sendable {
        case model, dataset, space
    }

    public let id: String
    /// Branch, tag or 40-hex commit; `main` by default.
    public let revision: String
    public let kind: Kind

    /// Validates the id as `huggingface_hub.validate_repo_id` does, so an id that works in Python works here.
    public init(id: String, revision: String? = nil, kind: Kind = .model) throws(HubError) {
        try Self.validate(id)
        self.id = id
        self.revision = (revision?.isEmpty == false ? revision : nil) ?? "main"
        self.kind = kind
    }

    public var description: String { revision == "main" ? id : "\(id)@\(revision)" }

    /// The cache folder name: `models--org--name`.
    public var cacheFolderName: String {
        "\(kind.rawValue)s--" + id.replacingOccurrences(of: "/", with: "--")
    }

    /// True when `revision` is a full commit hash (then the cache can answer without any ref).
    public var revisionIsCommitHash: Bool { Self.isCommitHash(revision) }

    static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: - Validation

    private static func validate(_ id: String) throws(HubError) {
        func invalid(_ why: String) -> HubError { .invalidRepoID(id, reason: why) }
        if id.isEmpty { throw invalid("it is empty") }
        if id.count > 96 { throw invalid("it is longer than 96 characters") }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 2 { throw invalid("use 'name' or 'namespace/name'") }
        for part in parts {
            if part.isEmpty { throw invalid("use 'name' or 'namespace/name'") }
            let allowed = part.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == "."
            }
            if !allowed { throw invalid("only letters, digits, '-', '_' and '.' are allowed") }
            if part.first == "-" || part.first == "." || part.last == "-" || part.last == "." {
                throw invalid("'-' and '.' cannot start or end a name")
            }
        }
        if id.contains("--") || id.contains("..") { throw invalid("'--' and '..' are forbidden") }
        if id.hasSuffix(".git") { throw invalid("it cannot end with '.git'") }
    }
}
