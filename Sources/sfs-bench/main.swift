// sfs-bench: benchmark programs, run side by side with the Python reference (see Scripts/bench).
//
//   sfs-bench tensors [--only gemm,conv,sdpa] [--threads N] [--backend openBLAS|native] [--json] [--clock wall|cpu]
//   sfs-bench ops
//   sfs-bench encoders
//   sfs-bench generation
//   sfs-bench tokenizers [--threads 2] [--clock wall|cpu] [--only NAMES]   (after Scripts/bench/tokenizers.py)
//   sfs-bench vision [--clock cpu]
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "tensors":
    TensorBench.run(arguments: Array(arguments.dropFirst()))
case "ops":
    try ElementwiseBench.run(arguments: Array(arguments.dropFirst()))
case "encoders":
    try EncoderBench.run(arguments: Array(arguments.dropFirst()))
case "generation":
    try GenerationBench.run(arguments: Array(arguments.dropFirst()))
case "tokenizers":
    try TokenizerBench.run(arguments: Array(arguments.dropFirst()))
case "vision":
    try VisionBench.run(arguments: Array(arguments.dropFirst()))
case "swin2sr":  // Swin2SR ×2 on 256×256 (Scripts/bench/swin2sr.py is the PyTorch side)
    try Swin2SRBench.run(arguments: Array(arguments.dropFirst()))
default:
    print("usage: sfs-bench <suite> [options]   (suites: tensors, ops, encoders, generation, tokenizers, vision, swin2sr)")
    print("       sfs-bench tensors [--only gemm,conv,sdpa] [--threads N] [--backend openBLAS|native] [--json] [--clock wall|cpu]")
    exit(arguments.isEmpty ? 0 : 2)
}
