// Generation — GenerationConfig, logits processors, search strategies, streamers; see docs/ARCHITECTURE.md.
import Models
import Tokenizers
