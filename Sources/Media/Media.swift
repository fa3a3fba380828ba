// Media — images and audio; see docs/ARCHITECTURE.md.
import Tensors
