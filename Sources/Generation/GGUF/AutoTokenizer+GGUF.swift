import Foundation
import Hub
import Models
import Tensors
import Tokenizers

// The seam between the GGUF reader (Tensors) and the tokenizer builder (Tokenizers), which do not know each
// other: `AutoTokenizer.from_pretrained(reference, gguf_file=…)`.

extension GGUFTokenizerMetadata {
    /// Reads `general.architecture` and the `tokenizer.ggml.*` / `tokenizer.chat_template` keys.
    public init(file: GGUFFile) throws {
        let metadata = file.metadata
        guard let architecture = metadata["general.architecture"]?.string else {
            throw ModelError.invalidConfig("\(file.path): GGUF metadata has no general.architecture")
        }
        guard let model = metadata["tokenizer.ggml.model"]?.string, let tokens = metadata["tokenizer.ggml.tokens"]?.strings else {
            throw ModelError.invalidConfig("\(file.path): GGUF metadata has no tokenizer (tokenizer.ggml.model and .tokens)")
        }
        self.init(architecture: architecture, model: model, tokens: tokens)
        tokenTypes = metadata["tokenizer.ggml.token_type"]?.array?.compactMap(\.int)
        merges = metadata["tokenizer.ggml.merges"]?.strings
        bosTokenId = metadata["tokenizer.ggml.bos_token_id"]?.int
        eosTokenId = metadata["tokenizer.ggml.eos_token_id"]?.int
        unknownTokenId = metadata["tokenizer.ggml.unknown_token_id"]?.int
        paddingTokenId = metadata["tokenizer.ggml.padding_token_id"]?.int
        addSpacePrefix = metadata["tokenizer.ggml.add_space_prefix"]?.bool
        chatTemplate = metadata["tokenizer.chat_template"]?.string
    }
}

extension AutoTokenizer {
    /// `AutoTokenizer.from_pretrained(reference, gguf_file=…)`: the tokenizer stored in a GGUF file of a folder or
    /// cached repo.
    public static func fromPretrained(_ reference: String, ggufFile: String, revision: String? = nil,
                                      hub: Hub = Hub()) throws -> PreTrainedTokenizer {
        let path = try AutoModel.ggufPath(reference, ggufFile: ggufFile, revision: revision, hub: hub)
        return try fromGGUF(GGUFTokenizerMetadata(file: GGUFFile(path: path.path)))
    }

    /// The tokenizer of an already opened GGUF file.
    public static func fromGGUF(file: GGUFFile) throws -> PreTrainedTokenizer {
        try fromGGUF(GGUFTokenizerMetadata(file: file))
    }
}
