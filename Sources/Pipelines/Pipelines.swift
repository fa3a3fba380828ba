// Pipelines — pipeline(task:model:) and one file per task; see docs/ARCHITECTURE.md.
import Generation
import Processors
