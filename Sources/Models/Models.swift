// Models — architectures over the tensor engine; see docs/ARCHITECTURE.md.
import Hub
import Tensors
