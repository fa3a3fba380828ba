// sfs-bench: benchmark programs, run side by side with the Python reference (see Scripts/bench).
import ScriptLibrary

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "ops" {
    try ElementwiseBench.run(arguments: Array(arguments.dropFirst()))
} else {
    print("usage: sfs-bench <suite>   (suites: ops)")
}
