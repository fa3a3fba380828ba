// URLFetch — the bytes of an http(s) URL, through libcurl loaded on first use (CCurlLoader).
//
// Not FoundationNetworking: linking it makes every process that uses Media load libcurl and ~40
// libraries behind it at start-up, network or not.

import CCurlLoader
import Foundation

enum URLFetch {
    /// GETs `url` following redirects; a transport failure or an HTTP error status is `.failure(reason)`.
    static func get(_ url: String, timeoutSeconds: Int = 30) -> Result<[UInt8], FetchFailure> {
        let box = ByteBox()
        var status = 0
        var error = [CChar](repeating: 0, count: 512)
        let code = sf_http_perform(
            url, "GET", nil, 0, 1, timeoutSeconds, { _, size, count, _ in size * count }, { bytes, size, count, context in
                let length = size * count
                guard let bytes, let context else { return 0 }
                Unmanaged<ByteBox>.fromOpaque(context).takeUnretainedValue().bytes
                    .append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length))
                return length
            }, Unmanaged.passUnretained(box).toOpaque(), &status, nil, 0, &error, error.count)
        if code != 0 {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(FetchFailure(message))
        }
        if !(200..<300).contains(status) { return .failure(FetchFailure("HTTP status \(status)")) }
        return withExtendedLifetime(box) { .success(box.bytes) }
    }

    /// Why a fetch failed, in words.
    struct FetchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private final class ByteBox {
        var bytes: [UInt8] = []
    }
}
