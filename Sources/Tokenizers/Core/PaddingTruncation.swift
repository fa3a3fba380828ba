// Padding and truncation settings and the reference's algorithms (`utils/padding.rs`, `utils/truncation.rs`).

public enum PaddingDirection: String, Sendable { case left, right }
public enum TruncationDirection: String, Sendable { case left, right }

public enum TruncationStrategy: String, Sendable {
    case longestFirst = "longest_first"
    case onlyFirst = "only_first"
    case onlySecond = "only_second"
}

public struct TruncationParameters: Sendable, Equatable {
    public var maxLength: Int
    public var stride: Int
    public var strategy: TruncationStrategy
    public var direction: TruncationDirection
    public init(
        maxLength: Int, stride: Int = 0, strategy: TruncationStrategy = .longestFirst,
        direction: TruncationDirection = .right
    ) {
        self.maxLength = maxLength
        self.stride = stride
        self.strategy = strategy
        self.direction = direction
    }
}

public struct PaddingParameters: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable {
        case longest
        case fixed(Int)
    }
    public var strategy: Strategy
    public var direction: PaddingDirection
    public var padToMultipleOf: Int?
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String
    public init(
        strategy: Strategy = .longest, direction: PaddingDirection = .right, padToMultipleOf: Int? = nil,
        padId: Int = 0, padTypeId: Int = 0, padToken: String = "[PAD]"
    ) {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }
}

enum Truncation {
    static func truncate(_ first: inout Encoding, _ pair: inout Encoding?, _ p: TruncationParameters)
        throws(TokenizerError)
    {
        if p.maxLength == 0 {
            try first.truncate(maxLength: 0, stride: p.stride, direction: p.direction)
            try pair?.truncate(maxLength: 0, stride: p.stride, direction: p.direction)
            return
        }
        let total = first.count + (pair?.count ?? 0)
        guard total > p.maxLength else { return }
        let toRemove = total - p.maxLength
        switch p.strategy {
        case .longestFirst:
            if var other = pair {
                var n1 = first.count
                var n2 = other.count
                let swapped = n1 > n2
                if swapped { swap(&n1, &n2) }
                if n1 > p.maxLength { n2 = n1 } else { n2 = max(n1, p.maxLength - n1) }
                if n1 + n2 > p.maxLength {
                    n1 = p.maxLength / 2
                    n2 = n1 + p.maxLength % 2
                }
                if swapped { swap(&n1, &n2) }
                try first.truncate(maxLength: n1, stride: p.stride, direction: p.direction)
                try other.truncate(maxLength: n2, stride: p.stride, direction: p.direction)
                pair = other
            } else {
                try first.truncate(maxLength: total - toRemove, stride: p.stride, direction: p.direction)
            }
        case .onlyFirst, .onlySecond:
            if p.strategy == .onlyFirst {
                guard first.count > toRemove else {
                    throw .invalidArgument("truncation: the first sequence is too short to remove \(toRemove) tokens")
                }
                try first.truncate(maxLength: first.count - toRemove, stride: p.stride, direction: p.direction)
            } else {
                guard var other = pair else {
                    throw .invalidArgument("truncation: only_second needs a second sequence")
                }
                guard other.count > toRemove else {
                    throw .invalidArgument("truncation: the second sequence is too short to remove \(toRemove) tokens")
                }
                try other.truncate(maxLength: other.count - toRemove, stride: p.stride, direction: p.direction)
                pair = other
            }
        }
    }

    static func pad(_ encodings: inout [Encoding], _ p: PaddingParameters) {
        guard !encodings.isEmpty else { return }
        var length: Int
        switch p.strategy {
        case .fixed(let n): length = n
        case .longest: length = encodings.map(\.count).max() ?? 0
        }
        if let m = p.padToMultipleOf, m > 0, length % m > 0 { length += m - length % m }
        for i in encodings.indices {
            encodings[i].pad(
                to: length, padId: p.padId, padTypeId: p.padTypeId, padToken: p.padToken, direction: p.direction)
        }
    }
}
