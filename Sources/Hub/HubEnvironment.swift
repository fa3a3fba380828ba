// HubEnvironment — the settings the Python client reads from the environment, read the same way.
//
// Kept as a value (built from a dictionary) rather than read ad hoc from `ProcessInfo`, so tests can run
// in parallel with different caches, endpoints and offline modes.

import Foundation

public struct HubEnvironment: Sendable, Equatable {
    /// The cache root: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`
    /// (`$XDG_CACHE_HOME/huggingface/hub` when XDG is set, as `huggingface_hub.constants` does).
    public var cacheDirectory: URL
    /// `$HF_ENDPOINT`, default `https://huggingface.co` (no trailing slash).
    public var endpoint: String
    /// `$HF_TOKEN` (or the legacy `$HUGGING_FACE_HUB_TOKEN`), else the token file `$HF_HOME/token`.
    public var token: String?
    /// `$HF_HUB_OFFLINE=1` (or `$TRANSFORMERS_OFFLINE=1`): never touch the network.
    public var offline: Bool
    /// Show a progress bar on stderr while downloading (only when stderr is a terminal).
    public var showsProgress: Bool

    public init(cacheDirectory: URL, endpoint: String = "https://huggingface.co", token: String? = nil,
                offline: Bool = false, showsProgress: Bool = true)
    {
        self.cacheDirectory = cacheDirectory
        self.endpoint = endpoint
        self.token = token
        self.offline = offline
        self.showsProgress = showsProgress
    }

    /// Settings from an environment dictionary (default: this process's).
    public init(variables: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let text = variables[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let home = value("HOME").map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        let hfHome: URL
        if let explicit = value("HF_HOME") {
            hfHome = URL(fileURLWithPath: Self.expandingTilde(explicit, home: home))
        } else if let xdg = value("XDG_CACHE_HOME") {
            hfHome = URL(fileURLWithPath: Self.expandingTilde(xdg, home: home)).appendingPathComponent("huggingface")
        } else {
            hfHome = home.appendingPathComponent(".cache/huggingface")
        }
        let cache = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE")
        cacheDirectory = cache.map { URL(fileURLWithPath: Self.expandingTilde($0, home: home)) }
            ?? hfHome.appendingPathComponent("hub")
        var endpoint = value("HF_ENDPOINT") ?? "https://huggingface.co"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        let tokenFile = value("HF_TOKEN_PATH").map { URL(fileURLWithPath: Self.expandingTilde($0, home: home)) }
            ?? hfHome.appendingPathComponent("token")
        token = value("HF_TOKEN") ?? value("HUGGING_FACE_HUB_TOKEN")
            ?? (try? String(contentsOf: tokenFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if token?.isEmpty == true { token = nil }
        offline = Self.isTrue(value("HF_HUB_OFFLINE")) || Self.isTrue(value("TRANSFORMERS_OFFLINE"))
        showsProgress = !Self.isTrue(value("HF_HUB_DISABLE_PROGRESS_BARS"))
    }

    /// `huggingface_hub`'s `_is_true`: "1", "ON", "YES", "TRUE" in any case.
    static func isTrue(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "ON", "YES", "TRUE"].contains(text.uppercased())
    }

    static func expandingTilde(_ path: String, home: URL) -> String {
        if path == "~" { return home.path }
        if path.hasPrefix("~/") { return home.path + path.dropFirst() }
        return path
    }
}
