// The hand-written GPT-2 / Llama 3 / Qwen 2 matchers against the general regex engine on the corpus.
import Testing
@testable import Tokenizers

@Suite struct KnownSplitPatternTests {
    static let sources = [KnownSplitPattern.gpt2Source, KnownSplitPattern.llama3Source, KnownSplitPattern.qwen2Source]

    @Test(arguments: sources)
    func handWrittenMatcherAgreesWithRegexEngine(source: String) throws {
        guard let known = KnownSplitPattern(source: source) else {
            Issue.record("pattern not recognised")
            return
        }
        let general = try GeneralRegex(source)
        let extra = ["'S 'LL 'd", "a\r\n\r\n  b", "  \n x", "1234567 ½²", "x  \t\n", " !!! ?"]
        for text in Fixtures.corpus + extra {
            let scalars = Array(text.unicodeScalars)
            #expect(known.matches(in: scalars) == general.matches(in: scalars), "\(text.debugDescription.prefix(60))")
        }
    }
}
