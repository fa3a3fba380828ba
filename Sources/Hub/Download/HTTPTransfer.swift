// HTTPTransfer — one synchronous HTTP request over URLSession, streaming the body to a file if asked.
//
// The Hub API is synchronous (a model load is a blocking call in scripts), so each request runs its own
// URLSession with a delegate and the caller waits on a semaphore. The delegate is the only shared
// state; it is guarded by a lock, which keeps this correct under Swift 6 strict concurrency.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
    /// Follow every redirect; drop `Authorization` when the host changes (a signed CDN URL must not get the token).
    case followAll
    /// Follow only relative `Location`s (a renamed repo), stop at absolute ones so their headers can be read:
    /// what `huggingface_hub` does for its HEAD request.
    case followRelativeOnly
}

struct HTTPTransfer {
    var timeout: TimeInterval = 30

    /// Perform `request`; when `output` is given the body is appended to it as it arrives and `progress`
    /// is called with the number of bytes received so far in this request.
    func perform(_ request: URLRequest, redirects: RedirectPolicy, output: FileHandle? = nil,
                 progress: (@Sendable (Int) -> Void)? = nil) -> HTTPResult
    {
        let delegate = TransferDelegate(redirects: redirects, output: output, progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        let task = session.dataTask(with: request)
        task.resume()
        delegate.finished.wait()
        session.finishTasksAndInvalidate()
        return delegate.result()
    }
}

// MARK: - Delegate

private final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private let redirects: RedirectPolicy
    private let output: FileHandle?
    private let progress: (@Sendable (Int) -> Void)?
    private var state = HTTPResult(status: 0, headers: [:], url: nil, body: Data(), bytesWritten: 0)

    init(redirects: RedirectPolicy, output: FileHandle?, progress: (@Sendable (Int) -> Void)?) {
        self.redirects = redirects
        self.output = output
        self.progress = progress
    }

    func result() -> HTTPResult {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void)
    {
        switch redirects {
        case .followAll:
            var next = request
            if let from = task.originalRequest?.url?.host, let to = request.url?.host, from != to {
                next.setValue(nil, forHTTPHeaderField: "Authorization")
            }
            completionHandler(next)
        case .followRelativeOnly:
            let location = (response.allHeaderFields["Location"] as? String)
                ?? (response.allHeaderFields["location"] as? String) ?? ""
            let isRelative = location.hasPrefix("/") && !location.hasPrefix("//")
            completionHandler(isRelative ? request : nil)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void)
    {
        lock.lock()
        if let http = response as? HTTPURLResponse {
            state.status = http.statusCode
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key] = value }
            }
            state.headers = headers
            state.url = http.url
        }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        // Only successful bodies go to the file; error pages stay in memory for the message.
        let toFile = output != nil && (200..<300).contains(state.status)
        if toFile {
            output?.write(data)
            state.bytesWritten += data.count
        } else {
            state.body.append(data)
        }
        let written = state.bytesWritten
        lock.unlock()
        if toFile { progress?(written) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        if let error { state.transportError = error.localizedDescription }
        if state.status == 0, let http = task.response as? HTTPURLResponse {
            state.status = http.statusCode
            state.url = http.url
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { state.headers[key] = value }
            }
        }
        lock.unlock()
        finished.signal()
    }
}
