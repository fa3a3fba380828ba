// sfs-bench: benchmark programs, run side by side with the Python reference (see Scripts/bench).
//
//   sfs-bench tensors [--only gemm] [--threads N] [--backend openBLAS|native] [--json]
//   sfs-bench ops
//   sfs-bench generation
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "tensors":
    TensorBench.run(arguments: Array(arguments.dropFirst()))
case "generation":
    try GenerationBench.run(arguments: Array(arguments.dropFirst()))
case "ops":
    try ElementwiseBench.run(arguments: Array(arguments.dropFirst()))
default:
    print("usage: sfs-bench <suite> [options]   (suites: tensors, ops, generation)")
    exit(arguments.isEmpty ? 0 : 2)
}
