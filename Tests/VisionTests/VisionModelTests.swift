// ViT and CLIP on tiny random checkpoints against the reference's outputs (parity 1e-4).
import Foundation
import Media
import Models
import Processors
import Tensors
import Testing

@Suite("Vision models")
struct VisionModelTests {
    func vitPixels() throws -> Tensor {
        let processor = try AutoImageProcessor.fromFolder(VisionFixtures.folder.appendingPathComponent("tiny-vit"))
        return try processor(VisionFixtures.photoNames.map(VisionFixtures.photo)).tensor("pixel_values")
    }

    @Test func vitImageClassificationMatchesReference() throws {
        let (model, report) = try AutoModel.fromPretrained(VisionFixtures.checkpoint("tiny-vit"), task: .imageClassification)
        #expect(report.unexpected.isEmpty && report.newlyInitialized.isEmpty)
        var inputs = ModelInputs()
        inputs.pixelValues = try vitPixels()
        inputs.outputHiddenStates = true
        inputs.outputAttentions = true
        let output = try model.forward(inputs)
        #expect(output.fields.map(\.name) == ["logits", "hidden_states", "attentions"])
        let logits = try #require(output.logits)
        #expect(maxDifference(logits, try #require(VisionFixtures.tensor("vit_logits"))) <= 1e-4)
        guard case .tensors(let hidden)? = output["hidden_states"], case .tensors(let attentions)? = output["attentions"] else {
            Issue.record("hidden_states / attentions missing")
            return
        }
        #expect(hidden.count == 3 && attentions.count == 2)
        #expect(maxDifference(try #require(hidden.last), try #require(VisionFixtures.tensor("vit_hidden_states_last"))) <= 1e-4)
        let firstHead = try attentions[0].select(1, 0).contiguous()
        #expect(maxDifference(firstHead, try #require(VisionFixtures.tensor("vit_attentions_0_first_head"))) <= 1e-4)
    }

    @Test func vitModelWithPoolerMatchesReference() throws {
        let (model, report) = try AutoModel.fromPretrained(VisionFixtures.checkpoint("tiny-vit-base"))
        #expect(report.newlyInitialized.isEmpty)
        var inputs = ModelInputs()
        inputs.pixelValues = try vitPixels()
        let output = try model.forward(inputs)
        #expect(maxDifference(try #require(output.lastHiddenState), try #require(VisionFixtures.tensor("vit_base_last_hidden_state"))) <= 1e-4)
        #expect(maxDifference(try #require(output.tensor("pooler_output")), try #require(VisionFixtures.tensor("vit_base_pooler_output"))) <= 1e-4)
    }

    @Test func vitRejectsWrongImageSize() throws {
        let (model, _) = try AutoModel.fromPretrained(VisionFixtures.checkpoint("tiny-vit"), task: .imageClassification)
        var inputs = ModelInputs()
        inputs.pixelValues = Tensor.zeros([1, 3, 32, 30])
        #expect(throws: ModelError.self) { try model.forward(inputs) }
    }

    func clipInputs() throws -> ModelInputs {
        guard case .imageText(let processor) = try AutoProcessor.fromFolder(VisionFixtures.folder.appendingPathComponent("tiny-clip")) else {
            throw ModelError.invalidInput("tiny-clip did not load as a CLIPProcessor")
        }
        #expect(processor.className == "CLIPProcessor")
        let features = try processor(
            text: ["a photo of a cat", "a photo of an astronaut in space", "coffee"],
            images: VisionFixtures.photoNames.map(VisionFixtures.photo),
            textOptions: .init(padding: .longest))
        #expect(features.names == ["input_ids", "attention_mask", "pixel_values"])
        var inputs = ModelInputs()
        inputs.inputIds = try features.tensor("input_ids")
        inputs.attentionMask = try features.tensor("attention_mask")
        inputs.pixelValues = try features.tensor("pixel_values")
        return inputs
    }

    @Test func clipProcessorTokenizesLikeReference() throws {
        let inputs = try clipInputs()
        let ids = try #require(inputs.inputIds).int64s().map(Int.init)
        let mask = try #require(inputs.attentionMask).int64s().map(Int.init)
        #expect(ids == (VisionFixtures.integers("clip_input_ids") ?? []).flatMap { $0 })
        #expect(mask == (VisionFixtures.integers("clip_attention_mask") ?? []).flatMap { $0 })
    }

    @Test func clipModelMatchesReference() throws {
        let (model, report) = try AutoModel.fromPretrained(VisionFixtures.checkpoint("tiny-clip"), task: .zeroShotImageClassification)
        #expect(report.unexpected.isEmpty && report.newlyInitialized.isEmpty, "\(report)")
        let inputs = try clipInputs()
        let output = try model.forward(inputs)
        #expect(output.fields.map(\.name) == ["logits_per_image", "logits_per_text", "text_embeds", "image_embeds"])
        for (field, key) in [("logits_per_image", "clip_logits_per_image"), ("logits_per_text", "clip_logits_per_text"),
                             ("text_embeds", "clip_text_embeds"), ("image_embeds", "clip_image_embeds")] {
            let tensor = try #require(output.tensor(field))
            #expect(maxDifference(tensor, try #require(VisionFixtures.tensor(key))) <= 1e-4, "\(field)")
        }
        var textOnly = inputs
        textOnly.pixelValues = nil
        #expect(maxDifference(try ModelFeatures.textFeatures(model, textOnly), try #require(VisionFixtures.tensor("clip_text_features"))) <= 1e-4)
        var imageOnly = ModelInputs()
        imageOnly.pixelValues = inputs.pixelValues
        #expect(maxDifference(try ModelFeatures.imageFeatures(model, imageOnly), try #require(VisionFixtures.tensor("clip_image_features"))) <= 1e-4)
    }

    @Test func clipTowersLoadAlone() throws {
        let inputs = try clipInputs()
        let (text, textReport) = try AutoModel.clipTower(VisionFixtures.checkpoint("tiny-clip"), vision: false)
        #expect(textReport.unexpected.contains("visual_projection.weight"))
        let textOutput = try text.forward(inputs)
        #expect(maxDifference(try #require(textOutput.tensor("pooler_output")), try #require(VisionFixtures.tensor("clip_text_pooled"))) <= 1e-4)
        let (vision, _) = try AutoModel.clipTower(VisionFixtures.checkpoint("tiny-clip"), vision: true)
        let visionOutput = try vision.forward(inputs)
        #expect(maxDifference(try #require(visionOutput.lastHiddenState), try #require(VisionFixtures.tensor("clip_vision_last_hidden_state"))) <= 1e-4)
    }
}
