// sfs-bench: benchmark programs, run side by side with the Python reference (see Scripts/bench).
import ScriptLibrary
print("usage: sfs-bench <suite>")
