// PretrainedConfig against `transformers.AutoConfig`: `print(config)`, `save_pretrained` and attribute
// values for the configs in Fixtures/config/ (written by Scripts/fixtures/hub/make_fixtures.py).

import Foundation
import Testing
@testable import Hub

@Suite struct ConfigTests {
    static let cases = ["minilm", "distilbert_labels", "roberta_num_labels", "gpt2", "llama", "bert_unknown_keys", "splade_tiny"]

    private func load(_ name: String) throws -> PretrainedConfig {
        let hub = Hub(environment: HubEnvironment(cacheDirectory: URL(fileURLWithPath: "/nonexistent"), offline: true))
        return try AutoConfig.fromPretrained(Fixture.url("config/\(name)").path, hub: hub)
    }

    @Test(arguments: cases)
    func printsLikePython(name: String) throws {
        let config = try load(name)
        #expect(config.description == (try Fixture.text("config/\(name)/printed.txt")))
    }

    @Test(arguments: cases)
    func savesLikeSavePretrained(name: String) throws {
        let folder = try TemporaryFolder()
        try load(name).save(to: folder.url)
        let saved = try String(contentsOf: folder.url.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(saved == (try Fixture.text("config/\(name)/saved.json")))
        // And what was saved loads back to the same config.
        let reloaded = try PretrainedConfig(contentsOf: folder.url.appendingPathComponent("config.json"))
        #expect(reloaded.description == (try load(name)).description)
    }

    @Test(arguments: cases)
    func attributesMatchPython(name: String) throws {
        let config = try load(name)
        let expected = try #require(Fixture.json("config/\(name)/accessors.json").objectValue)
        for (key, value) in expected {
            switch key {
            case "num_labels": #expect(config.numLabels == value.intValue, "\(name).\(key)")
            case "id2label":
                let labels = Dictionary(uniqueKeysWithValues: (value.objectValue ?? [:]).map { (Int($0.key) ?? -1, $0.value.stringValue ?? "") })
                #expect(config.id2label == labels, "\(name).\(key)")
            default:
                let mine = config[key] ?? .null
                #expect(PretrainedConfig.pythonEqual(mine, value), "\(name).\(key): \(mine) vs \(value)")
            }
        }
    }

    @Test func typedAccessorsReadThroughTheAttributeMap() throws {
        let gpt2 = try load("gpt2")
        #expect(gpt2.hiddenSize == 64)  // stored as n_embd
        #expect(gpt2.numHiddenLayers == 2)
        #expect(gpt2.maxPositionEmbeddings == 128)
        #expect(gpt2.int("n_embd") == 64)
        let llama = try load("llama")
        #expect(llama.eosTokenIds == [2, 3])
        #expect(llama.eosTokenId == 2)
        #expect(llama.int("head_dim") == 16)
        #expect(llama.torchDtype == "bfloat16")
        let minilm = try load("minilm")
        #expect(minilm.layerNormEps == 1e-12)
        #expect(minilm.architectures == ["BertModel"])
        #expect(minilm.hiddenAct == "gelu")
        #expect(minilm.labels == ["LABEL_0", "LABEL_1"])
    }

    @Test func editingLabelsPrintsLikePython() throws {
        var config = try load("minilm")
        config.id2label = [0: "NEGATIVE", 1: "POSITIVE"]
        config.label2id = ["NEGATIVE": 0, "POSITIVE": 1]
        #expect(config.description == (try Fixture.text("config/edited/printed.txt")))
    }

    @Test func settingNumLabelsRecreatesLabelMaps() throws {
        var config = try load("minilm")
        config.numLabels = 3
        #expect(config.labels == ["LABEL_0", "LABEL_1", "LABEL_2"])
        #expect(config.label2id == ["LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2])
    }

    @Test func defaultConfigOfAModelType() throws {
        let bert = try AutoConfig.forModel("bert")
        #expect(bert.hiddenSize == 768)
        #expect(bert.vocabSize == 30522)
        #expect(bert.className == "BertConfig")
        #expect(throws: ConfigError.self) { try AutoConfig.forModel("no-such-model") }
    }

    @Test func requiredFieldsNameTheProblem() throws {
        let config = PretrainedConfig(["model_type": "custom", "hidden_size": "large"], nameOrPath: "my/model")
        #expect(config.className == "PretrainedConfig")
        do {
            _ = try config.requireInt("hidden_size")
            Issue.record("no error")
        } catch {
            #expect(error.description == "config of my/model: 'hidden_size' must be an integer, found \"large\"")
        }
        #expect(throws: ConfigError.missingField("num_hidden_layers", config: "my/model")) {
            try config.requireInt("num_hidden_layers")
        }
    }

    @Test func aConfigThatIsNotAnObjectIsRejected() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("config.json")
        try Data("[1, 2]".utf8).write(to: file)
        #expect(throws: ConfigError.self) { try PretrainedConfig(contentsOf: file) }
    }
}

@Suite struct ConfigDtypeTests {
    @Test func transformers5DtypeKeyIsReadAsTheWeightsType() throws {
        let config = try PretrainedConfig(contentsOf: Fixture.url("config/splade_tiny/config.json"))
        #expect(config.torchDtype == "float32")
        #expect(config["torch_dtype"] == .null)  // as in Python 4.55: `dtype` is just another attribute
    }
}

@Suite struct ConfigKwargsTests {
    private let offline = Hub(environment: HubEnvironment(cacheDirectory: URL(fileURLWithPath: "/nonexistent"), offline: true))

    @Test func keywordOverridesApplyLikeFromDict() throws {
        let config = try AutoConfig.fromPretrained(Fixture.url("config/minilm").path,
                                                   kwargs: ["num_labels": 3, "hidden_dropout_prob": 0.2, "foo": 1],
                                                   hub: offline)
        #expect(config.description == (try Fixture.text("config/overrides/printed.txt")))
    }

    @Test func unusedKwargsAreReturned() throws {
        var config = try PretrainedConfig(contentsOf: Fixture.url("config/minilm/config.json"))
        let unused = try config.apply(kwargs: ["output_hidden_states": true, "add_pooling_layer": false])
        #expect(unused == ["add_pooling_layer"])
        #expect(config.bool("output_hidden_states") == true)
    }

    @Test func inconsistentLabelCountIsAnError() throws {
        var config = try PretrainedConfig(contentsOf: Fixture.url("config/minilm/config.json"))
        #expect(throws: ConfigError.self) {
            try config.apply(kwargs: ["num_labels": 3, "id2label": ["0": "a"]])
        }
    }

    @Test func updateSetsNewKeysToo() throws {
        var config = try PretrainedConfig(contentsOf: Fixture.url("config/minilm/config.json"))
        config.update(["hidden_size": 512, "my_flag": true])
        #expect(config.hiddenSize == 512)
        #expect(config.bool("my_flag") == true)
    }
}
