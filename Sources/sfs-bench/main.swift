// sfs-bench: benchmark programs, run side by side with the Python reference (see Scripts/bench).
//
//   sfs-bench tensors [--only gemm] [--threads N] [--backend openBLAS|native] [--json] [--clock wall|cpu]
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "tensors":
    TensorBench.run(arguments: Array(arguments.dropFirst()))
default:
    print("usage: sfs-bench tensors [--only gemm] [--threads N] [--backend openBLAS|native] [--json] [--clock wall|cpu]")
    exit(arguments.isEmpty ? 0 : 2)
}
