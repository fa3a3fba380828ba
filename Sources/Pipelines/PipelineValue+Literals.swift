// Literal spellings so Swift callers write `pipe("text", ["top_k": 3])` as Python callers do.

extension PipelineValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: PipelineValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, PipelineValue)...) { self = .dict(elements) }
    public init(nilLiteral: ()) { self = .none }
}
