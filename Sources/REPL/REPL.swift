// REPL — line editing, history, completion, magics; see docs/ARCHITECTURE.md.
import CReadline
import Script
import ScriptLibrary
