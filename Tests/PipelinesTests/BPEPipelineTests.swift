import Foundation
import Testing
import Pipelines

/// The reference pipelines on tiny RoBERTa checkpoints with a trained byte-level BPE tokenizer (`Ġ` words,
/// `<mask>` with lstrip, bytes of "é" split over two tokens), and token-classification with `stride` on long
/// texts, for RoBERTa and the BERT/WordPiece NER fixture (Scripts/fixtures/pipelines/bpe_pipelines.py).
@Suite struct BPEPipelineTests {
    @Test func everyReferenceCaseMatches() throws {
        #expect(try ReferencePipelineTests.replay("expected_bpe.json") >= 30)
    }

    @Test func strideNeedsAnAggregationAndFitsTheModel() throws {
        let folder = ReferencePipelineTests.fixtures.appendingPathComponent("tiny-roberta-ner").path
        let pipe = try Pipeline.make(task: "token-classification", model: folder)
        // As the reference: stride with aggregation_strategy "none" is refused, and so is one ≥ model_max_length (64).
        #expect(throws: PipelineError.self) { try pipe("Sarah lives in London.", ["stride": 4]) }
        #expect(throws: PipelineError.self) {
            try pipe("Sarah lives in London.", ["stride": 64, "aggregation_strategy": "simple"])
        }
        #expect(throws: PipelineError.self) {
            try pipe("Sarah lives in London.", ["stride": "four", "aggregation_strategy": "simple"])
        }
    }
}
