import Foundation
import Testing
import Pipelines
import Hub
import Tokenizers

/// The real checkpoints of Scripts/get-models against the reference's outputs on the same files
/// (Scripts/fixtures/pipelines/real_weights.py). Skipped, saying so, when the HF cache lacks them.
@Suite struct RealWeightsTests {
    static let expected: JSONValue? = {
        guard let url = Bundle.module.url(forResource: "Fixtures/real_weights", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONValue(parsing: data)
    }()

    /// The HF cache folder of a repo when a snapshot of it is present ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/…).
    static func cached(_ repo: String) -> Bool {
        let env = ProcessInfo.processInfo.environment
        let root = env["HF_HUB_CACHE"] ?? env["HF_HOME"].map { $0 + "/hub" }
            ?? (NSHomeDirectory() + "/.cache/huggingface/hub")
        let snapshots = root + "/models--" + repo.replacingOccurrences(of: "/", with: "--") + "/snapshots"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []
        return !entries.isEmpty
    }

    @Test func miniLMSentenceEmbeddingsMatchReference() throws {
        let repo = "sentence-transformers/all-MiniLM-L6-v2"
        guard Self.cached(repo) else {
            print("skipped: real weights not installed (\(repo))")
            return
        }
        let minilm = try #require(Self.expected?["minilm"])
        let sentences = (minilm["sentences"]?.arrayValue ?? []).compactMap(\.stringValue)
        let want = (minilm["embeddings"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        let embedder = try SentenceEmbeddings.fromPretrained(repo)
        for batchSize in [1, 4] {
            let got = try embedder.encode(sentences, batchSize: batchSize)
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) {
                #expect(g.count == w.count)
                let difference = zip(g, w).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(difference <= 1e-4, "batch \(batchSize): max |Δ| = \(difference)")
            }
        }
        // Similarity matrix (what Examples/sentence_similarity.sfs prints).
        let got = try embedder.encode(sentences)
        let similarity = (minilm["similarity"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        for i in got.indices {
            for j in got.indices {
                let s = Double(zip(got[i], got[j]).reduce(0) { $0 + $1.0 * $1.1 })
                #expect(abs(s - similarity[i][j]) <= 1e-4)
            }
        }
    }

    @Test func spladeTinyFillMaskMatchesReference() throws {
        let repo = "rasyosef/splade-tiny"
        guard Self.cached(repo) else {
            print("skipped: real weights not installed (\(repo))")
            return
        }
        let fill = try #require(Self.expected?["splade_fill_mask"])
        let pipe = try Pipeline.make(task: "fill-mask", model: repo)
        let got = try pipe(.string(fill["input"]?.stringValue ?? ""))
        let want = ReferencePipelineTests.value(fill["output"] ?? .null)
        let difference = ReferencePipelineTests.compare(got, want)
        #expect(difference == nil, "\(difference ?? "")")
    }
}
