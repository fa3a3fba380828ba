// HTTPTransfer — one synchronous HTTP request through libcurl, streaming the body to a file if asked.
//
// The Hub API is synchronous (a model load is a blocking call in scripts), so a request simply runs to
// completion on the calling thread. libcurl is loaded on the first request (CCurlLoader), not linked:
// FoundationNetworking would make every `sfs` start-up load libcurl and ~40 libraries behind it.

import CCurlLoader
import Foundation

/// An HTTP request: URL, method and header fields (the subset of `URLRequest` the hub client needs).
struct HTTPRequest {
    var url: URL
    var httpMethod = "GET"
    private(set) var headers: [(name: String, value: String)] = []

    init(url: URL) { self.url = url }

    /// Sets (nil: removes) a header field; names compare case-insensitively, as HTTP's do.
    mutating func setValue(_ value: String?, forHTTPHeaderField name: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        if let value { headers.append((name, value)) }
    }

    func value(forHTTPHeaderField name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What came back: the final response (a 3xx when redirects were not followed), the body when it was
/// kept in memory, and the transport error if the transfer broke (the bytes before the break are written).
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    /// The URL that produced the final response (after followed redirects).
    var url: URL?
    var body: Data
    var bytesWritten: Int
    var transportError: String?

    /// Case-insensitive header lookup (HTTP header names are case-insensitive).
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.key.lowercased() == lowered }?.value
    }
}

enum RedirectPolicy: Sendable {
    /// Follow every redirect; `Authorization` is dropped when the host changes (a signed CDN URL must not
    /// get the token; libcurl does this for custom Authorization headers).
    case followAll
    /// Follow only relative `Location`s (a renamed repo), stop at absolute ones so their headers can be read:
    /// what `huggingface_hub` does for its HEAD request.
    case followRelativeOnly
}

struct HTTPTransfer {
    var timeout: TimeInterval = 30

    /// Perform `request`; when `output` is given the body is appended to it as it arrives and `progress`
    /// is called with the number of bytes received so far in this request.
    func perform(_ request: HTTPRequest, redirects: RedirectPolicy, output: FileHandle? = nil,
                 progress: ((Int) -> Void)? = nil) -> HTTPResult
    {
        var request = request
        var result = performOnce(request, follow: redirects == .followAll, output: output, progress: progress)
        // Relative redirects are followed by hand (libcurl follows all or none).
        var hops = 0
        while redirects == .followRelativeOnly, (300..<400).contains(result.status), hops < 20,
              let location = result.header("Location"), location.hasPrefix("/"), !location.hasPrefix("//"),
              let next = URL(string: location, relativeTo: result.url ?? request.url)?.absoluteURL
        {
            hops += 1
            request.url = next
            result = performOnce(request, follow: false, output: output, progress: progress)
        }
        return result
    }

    private func performOnce(_ request: HTTPRequest, follow: Bool, output: FileHandle?,
                             progress: ((Int) -> Void)?) -> HTTPResult
    {
        let receiver = ResponseReceiver(output: output, progress: progress)
        let lines = request.headers.map { "\($0.name): \($0.value)" }
        var status = 0
        var effectiveURL = [CChar](repeating: 0, count: 4096)
        var error = [CChar](repeating: 0, count: 512)
        let code = withCStrings(lines) { headerPointers in
            var response = 0
            let code = sf_http_perform(
                request.url.absoluteString, request.httpMethod, headerPointers, Int32(lines.count), follow ? 1 : 0,
                max(1, Int(timeout)), { bytes, size, count, context in
                    let length = size * count
                    guard let bytes, let context else { return 0 }
                    Unmanaged<ResponseReceiver>.fromOpaque(context).takeUnretainedValue()
                        .headerLine(UnsafeRawBufferPointer(start: bytes, count: length))
                    return length
                }, { bytes, size, count, context in
                    let length = size * count
                    guard let bytes, let context else { return 0 }
                    Unmanaged<ResponseReceiver>.fromOpaque(context).takeUnretainedValue()
                        .bodyBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                    return length
                }, Unmanaged.passUnretained(receiver).toOpaque(),
                &response, &effectiveURL, effectiveURL.count, &error, error.count)
            status = response
            return code
        }
        var result = receiver.result
        withExtendedLifetime(receiver) {}
        result.status = status
        result.url = URL(string: text(ofCString: effectiveURL)) ?? request.url
        if code != 0 { result.transportError = text(ofCString: error) }
        return result
    }
}

/// The text of a NUL-terminated C buffer.
func text(ofCString buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

// MARK: - Receiver

/// Collects one response as libcurl hands it over (on the calling thread, during `sf_http_perform`).
private final class ResponseReceiver {
    private let output: FileHandle?
    private let progress: ((Int) -> Void)?
    private(set) var result = HTTPResult(status: 0, headers: [:], url: nil, body: Data(), bytesWritten: 0)

    init(output: FileHandle?, progress: ((Int) -> Void)?) {
        self.output = output
        self.progress = progress
    }

    /// One header line. A status line starts a new response (a followed redirect's headers are dropped).
    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            result.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            result.headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let existing = result.headers[name] {
            result.headers[name] = existing + ", " + value
        } else {
            result.headers[name] = value
        }
    }

    /// Body bytes: only successful bodies go to the file; error pages stay in memory for the message.
    func bodyBytes(_ bytes: UnsafeRawBufferPointer) {
        if let output, (200..<300).contains(result.status) {
            output.write(Data(bytes))
            result.bytesWritten += bytes.count
            progress?(result.bytesWritten)
        } else {
            result.body.append(contentsOf: bytes)
        }
    }
}
