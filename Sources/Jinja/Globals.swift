// Functions every template can call: Jinja's `range`, `namespace`, `dict`, plus the two transformers adds
// to its chat-template environment, `raise_exception(message)` and `strftime_now(format)`.

import Foundation

extension Interpreter {
    /// The sandbox's limit on `range()` sizes (Jinja's MAX_RANGE).
    static let maximumRange = 100_000

    static let globals: [String: JinjaValue] = [
        "range": .function(JinjaFunction(name: "range") { args in
            let numbers = try args.positional.map { v -> Int in
                guard let i = v.asInt else { throw JinjaError(.type, "'\(v.typeName)' object cannot be interpreted as an integer") }
                return i
            }
            var start = 0, stop = 0, step = 1
            switch numbers.count {
            case 1: stop = numbers[0]
            case 2: start = numbers[0]; stop = numbers[1]
            case 3: start = numbers[0]; stop = numbers[1]; step = numbers[2]
            default: throw JinjaError(.type, "range expected 1 to 3 arguments, got \(numbers.count)")
            }
            guard step != 0 else { throw JinjaError(.type, "range() arg 3 must not be zero") }
            let values = Array(stride(from: start, to: stop, by: step).prefix(maximumRange + 1))
            guard values.count <= maximumRange else {
                throw JinjaError(.security, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maximumRange)).")
            }
            return .array(values.map(JinjaValue.int))
        }),
        "namespace": .function(JinjaFunction(name: "namespace") { args in
            var object = JinjaObject()
            for value in args.positional {
                guard case .object(let initial) = value else { throw JinjaError(.type, "namespace() takes keyword arguments or a dict") }
                for (key, v) in initial.pairs { object[key] = v }
            }
            for (key, value) in args.keywords { object[key] = value }
            return .namespace(object)
        }),
        "dict": .function(JinjaFunction(name: "dict") { args in
            var object = JinjaObject()
            for value in args.positional {
                guard case .object(let initial) = value else { throw JinjaError(.type, "dict() takes keyword arguments or a dict") }
                for (key, v) in initial.pairs { object[key] = v }
            }
            for (key, value) in args.keywords { object[key] = value }
            return .object(object)
        }),
        "raise_exception": .function(JinjaFunction(name: "raise_exception") { args in
            throw JinjaError(.raised, args.value(0, "message")?.pythonString ?? "")
        }),
        "strftime_now": .function(JinjaFunction(name: "strftime_now") { args in
            guard case .string(let format)? = args.value(0, "format") else { throw JinjaError(.type, "strftime_now needs a format string") }
            return .string(strftimeNow(format))
        }),
    ]

    /// `datetime.now().strftime(format)` in local time, through the C library as CPython does.
    static func strftimeNow(_ format: String) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return strftime(format, parts)
    }

    /// C `strftime` of broken-down time (also what tests use to install a fixed clock).
    static func strftime(_ format: String, _ time: tm) -> String {
        var parts = time
        var buffer = [CChar](repeating: 0, count: 512)
        let count = Foundation.strftime(&buffer, buffer.count, format, &parts)
        guard count > 0 || format.isEmpty else { return "" }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
