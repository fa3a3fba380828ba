// `sfs-bench tokenizers`: the Swift side of Scripts/bench/tokenizers.py. The Python script prepares
// /tmp/sfs-bench-tokenizers/<name>/tokenizer.json (a 150k-vocabulary byte-level BPE trained with the reference
// trainer, the real all-MiniLM-L6-v2 WordPiece and kyoto_ja_unigram_8000 Unigram from the test fixtures) and
// prints the reference numbers; this prints ours on the same files and the same ≥ 5 MB corpus.
//
//   sfs-bench tokenizers [--dir /tmp/sfs-bench-tokenizers] [--seeds ../shared/seeds] [--threads 2] [--clock wall|cpu]
//                        [--only bpe-150k,wordpiece-minilm,unigram-kyoto] [--bytes 5000000]
import Foundation
import Tokenizers

enum TokenizerBench {
    static func run(arguments: [String]) throws {
        var dir = "/tmp/sfs-bench-tokenizers"
        var seeds = "../shared/seeds"
        var threads = 2
        var cpuClock = false
        var only: Set<String>? = nil
        var minimumBytes = 5_000_000
        var i = 0
        while i < arguments.count {
            let value = i + 1 < arguments.count ? arguments[i + 1] : ""
            switch arguments[i] {
            case "--dir": dir = value
            case "--seeds": seeds = value
            case "--threads": threads = Int(value) ?? 2
            case "--clock": cpuClock = value == "cpu"
            case "--only": only = Set(value.split(separator: ",").map(String.init))
            case "--bytes": minimumBytes = Int(value) ?? minimumBytes
            default:
                print("sfs-bench tokenizers: unknown option \(arguments[i])")
                exit(2)
            }
            i += 2
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            .filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/tokenizer.json") }
            .filter { only?.contains($0) ?? true }
        guard !names.isEmpty else {
            print("no tokenizers in \(dir): run Scripts/bench/tokenizers.py first (it prepares them)")
            return
        }
        let lines = try TokenizerBenchmark.corpus(seeds: URL(fileURLWithPath: seeds), minimumBytes: minimumBytes)
        print("corpus: \(lines.count) lines, \(lines.reduce(0) { $0 + $1.utf8.count }) bytes; clock \(cpuClock ? "cpu" : "wall") (batch: wall)")
        for name in names {
            let url = URL(fileURLWithPath: "\(dir)/\(name)/tokenizer.json")
            print(try TokenizerBenchmark.run(name: name, tokenizerJSON: url, lines: lines, threads: threads, cpuClock: cpuClock))
        }
    }
}
