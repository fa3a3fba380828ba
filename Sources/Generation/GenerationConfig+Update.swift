import Foundation

// `generate(**kwargs)` and `generation_config.update(**kwargs)`: keyword arguments override a base config.

extension GenerationConfig {
    /// The values of `toDiffDict` as Foundation values, the shape `init(dictionary:)` reads.
    func diffDictionary() -> [String: Any] {
        func plain(_ value: AnyHashableJSON) -> Any {
            switch value {
            case .int(let v): return NSNumber(value: v)
            case .double(let v): return NSNumber(value: v)
            case .bool(let v): return NSNumber(value: v)
            case .string(let v): return v
            case .array(let items): return items.map(plain)
            case .object(let members): return members.mapValues(plain)
            }
        }
        return toDiffDict().mapValues(plain)
    }

    /// This config with `kwargs` (Python names, `generation_config.json`-shaped values) applied on top; a `None`
    /// (NSNull) resets a key to its default.
    public func updated(with kwargs: [String: Any]) throws -> GenerationConfig {
        var merged = diffDictionary()
        for (key, value) in kwargs {
            if value is NSNull { merged[key] = nil } else { merged[key] = value }
        }
        return try GenerationConfig(dictionary: merged)
    }

    /// The keys `init(dictionary:)` understands: anything else given to `generate` is an error, as the reference's
    /// `model_kwargs` validation reports unused keyword arguments.
    public static let knownKeys: Set<String> = [
        "max_length", "max_new_tokens", "min_length", "min_new_tokens", "early_stopping", "max_time", "stop_strings",
        "do_sample", "num_beams", "num_beam_groups", "penalty_alpha", "use_cache", "temperature", "top_k", "top_p", "min_p",
        "typical_p", "epsilon_cutoff", "eta_cutoff", "diversity_penalty", "repetition_penalty", "length_penalty",
        "no_repeat_ngram_size", "bad_words_ids", "renormalize_logits", "forced_bos_token_id", "forced_eos_token_id",
        "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens", "sequence_bias",
        "num_return_sequences", "output_scores", "output_logits", "return_dict_in_generate", "pad_token_id", "bos_token_id",
        "eos_token_id",
    ]
}
