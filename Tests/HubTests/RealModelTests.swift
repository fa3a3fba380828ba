// The models Scripts/get-models places in the default cache, read offline. Skipped where they are not installed.

import Foundation
import Testing
@testable import Hub

enum RealModels {
    static let hub = Hub(environment: {
        var environment = HubEnvironment()
        environment.offline = true
        return environment
    }())

    static var miniLMInstalled: Bool { hub.fileExists("sentence-transformers/all-MiniLM-L6-v2", file: "config.json") }
    static var spladeInstalled: Bool { hub.fileExists("rasyosef/splade-tiny", file: "config.json") }
}

@Suite struct RealModelTests {
    @Test(.enabled(if: RealModels.miniLMInstalled, "skipped: real weights not installed (run Scripts/get-models)"))
    func allMiniLMResolvesOffline() throws {
        let hub = RealModels.hub
        let config = try AutoConfig.fromPretrained("sentence-transformers/all-MiniLM-L6-v2", hub: hub)
        #expect(config.className == "BertConfig")
        #expect(config.hiddenSize == 384)
        #expect(config.numHiddenLayers == 6)
        let weights = try hub.weightFiles("sentence-transformers/all-MiniLM-L6-v2")
        #expect(weights.map(\.lastPathComponent) == ["model.safetensors"])
        let files = try hub.listFiles("sentence-transformers/all-MiniLM-L6-v2")
        #expect(files.contains("1_Pooling/config.json"))
        #expect(files.contains(".gitattributes"))
        // tokenizer.json (466 kB) parses.
        let tokenizer = try JSONValue(contentsOf: hub.resolve("sentence-transformers/all-MiniLM-L6-v2", file: "tokenizer.json"))
        #expect(tokenizer["model"]?["vocab"]?.objectValue?.count == 30522)
    }

    @Test(.enabled(if: RealModels.spladeInstalled, "skipped: real weights not installed (run Scripts/get-models)"))
    func spladeTinyResolvesOffline() throws {
        let config = try AutoConfig.fromPretrained("rasyosef/splade-tiny", hub: RealModels.hub)
        #expect(config.architectures == ["BertForMaskedLM"])
        #expect(config.numHiddenLayers == 2)
        #expect(config.hiddenSize == 128)
    }
}
