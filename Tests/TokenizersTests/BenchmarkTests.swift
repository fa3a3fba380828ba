// Runs TokenizerBenchmark when SFS_TOKENIZERS_BENCH=1 (the Tokenizers target is optimized even in
// debug builds). Compare with Scripts/bench/tokenizers.py on the same machine.
import Foundation
import Testing
@testable import Tokenizers

@Suite struct BenchmarkTests {
    @Test func benchmarkWhenRequested() throws {
        guard ProcessInfo.processInfo.environment["SFS_TOKENIZERS_BENCH"] == "1" else {
            print("skipped: set SFS_TOKENIZERS_BENCH=1 to run the tokenizer benchmark")
            return
        }
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/seeds")
        let lines = try TokenizerBenchmark.corpus(seeds: seeds)
        var targets: [(String, URL)] = [
            ("wordpiece-minilm", Fixtures.root.appendingPathComponent("tokenizers/minilm/tokenizer.json")),
            ("unigram-t5", Fixtures.root.appendingPathComponent("tokenizers/unigram-t5/tokenizer.json")),
            ("bpe-bytelevel", Fixtures.root.appendingPathComponent("tokenizers/bpe-bytelevel/tokenizer.json")),
        ]
        if let whisper = RealTokenizers.whisperTokenizerJSON { targets.append(("whisper-gpt2-bpe", whisper)) }
        for (name, url) in targets {
            print(try TokenizerBenchmark.run(name: name, tokenizerJSON: url, lines: lines))
        }
    }
}
