// Processors — image processors, feature extractors, AutoProcessor; see docs/ARCHITECTURE.md.
import Hub
import Media
import Tensors
import Tokenizers
