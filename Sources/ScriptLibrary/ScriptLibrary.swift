// ScriptLibrary — the library's bindings into the .sfs language; see docs/ARCHITECTURE.md.
import Pipelines
import Script
