// Runs TokenizerBenchmark when SFS_TOKENIZERS_BENCH=1 (the Tokenizers target is optimized even in
// debug builds). Compare with Scripts/bench/tokenizers.py on the same machine.
import JSON
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
        if let whisper = RealTokenizers.whisperTokenizerJSON {
            let bytes = try [UInt8](Data(contentsOf: whisper))
            var best = Double.infinity
            var json = JSONValue.null
            for _ in 0..<3 {
                let t0 = TokenizerBenchmark.now()
                json = try parseJSON(bytes)
                best = min(best, TokenizerBenchmark.now() - t0)
            }
            var build = Double.infinity
            let rounds = ProcessInfo.processInfo.environment["SFS_TOKENIZERS_LOAD_ROUNDS"].flatMap { Int($0) } ?? 3
            for _ in 0..<rounds {
                let t0 = TokenizerBenchmark.now()
                _ = try Tokenizer(json: json)
                build = min(build, TokenizerBenchmark.now() - t0)
            }
            print(String(format: "whisper load phases: parse %.1f ms, build %.1f ms", best * 1000, build * 1000))
            if rounds > 3 { return }
        }
        for (name, url) in targets {
            print(try TokenizerBenchmark.run(name: name, tokenizerJSON: url, lines: lines))
        }
    }
}
