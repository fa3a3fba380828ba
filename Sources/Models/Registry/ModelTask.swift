/// The Auto classes of the guides, one per head; the raw value is the Python class name.
public enum ModelTask: String, CaseIterable, Sendable {
    case base = "AutoModel"
    case maskedLM = "AutoModelForMaskedLM"
    case sequenceClassification = "AutoModelForSequenceClassification"
    case tokenClassification = "AutoModelForTokenClassification"
    case questionAnswering = "AutoModelForQuestionAnswering"
    case multipleChoice = "AutoModelForMultipleChoice"
    case causalLM = "AutoModelForCausalLM"
    // Vision heads (issue 7).
    case imageClassification = "AutoModelForImageClassification"
    case zeroShotImageClassification = "AutoModelForZeroShotImageClassification"
    case depthEstimation = "AutoModelForDepthEstimation"
    case imageToImage = "AutoModelForImageToImage"
}
