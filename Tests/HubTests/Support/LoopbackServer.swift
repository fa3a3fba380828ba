// LoopbackServer — a tiny HTTP/1.1 server on 127.0.0.1 for the download tests (Glibc sockets, one thread
// accepting, one connection at a time, `Connection: close`). Routes are closures; every request is
// recorded so tests can assert on methods, paths and headers (Range, Authorization).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]  // lowercased names

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

struct CannedResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: Data = Data()
    /// Send only this many body bytes, then close the connection (an interrupted transfer).
    var truncateAfter: Int? = nil
    /// Announce this Content-Length instead of the body's (the length of the full file on a broken transfer).
    var contentLength: Int? = nil
}

final class LoopbackServer: @unchecked Sendable {
    typealias Handler = @Sendable (RecordedRequest) -> CannedResponse

    private let socketDescriptor: Int32
    let port: UInt16
    private let lock = NSLock()
    private var recorded: [RecordedRequest] = []
    private let handler: Handler
    private var stopped = false

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [RecordedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError.socket("socket") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw ServerError.socket("bind/listen")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        socketDescriptor = descriptor
        port = UInt16(bigEndian: actual.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        // Only shut down here: the accepting thread closes the descriptor when it leaves, so the number
        // cannot be reused by another test's server while this thread might still call accept() on it.
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
    }

    enum ServerError: Error { case socket(String) }

    // MARK: - Serving

    private func acceptLoop() {
        defer { close(socketDescriptor) }
        while true {
            let client = accept(socketDescriptor, nil, nil)
            lock.lock()
            let done = stopped
            lock.unlock()
            if done {
                if client >= 0 { close(client) }
                return
            }
            if client < 0 { continue }
            serve(client)
            close(client)
        }
    }

    private func serve(_ client: Int32) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while !buffer.ends(with: terminator) && !containsTerminator(buffer) {
            let count = recv(client, &chunk, chunk.count, 0)
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: buffer, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = RecordedRequest(method: String(parts[0]), path: String(parts[1]), headers: headers)
        lock.lock()
        recorded.append(request)
        lock.unlock()
        let response = handler(request)
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        var hasLength = false
        for (name, value) in response.headers {
            head += "\(name): \(value)\r\n"
            if name.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength { head += "Content-Length: \(response.contentLength ?? response.body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        sendAll(client, Data(head.utf8))
        if request.method != "HEAD" {
            let body = response.truncateAfter.map { response.body.prefix($0) } ?? response.body
            sendAll(client, Data(body))
        }
    }

    private func containsTerminator(_ buffer: [UInt8]) -> Bool {
        guard buffer.count >= 4 else { return false }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return true
        }
        return false
    }

    private func sendAll(_ client: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return }
                let sent = send(client, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 206: return "Partial Content"
        case 302: return "Found"
        case 307: return "Temporary Redirect"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 416: return "Range Not Satisfiable"
        default: return "Status"
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
