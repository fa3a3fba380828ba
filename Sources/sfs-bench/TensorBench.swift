// `sfs-bench tensors`: the engine's kernels at the shapes of the models we run, for comparison
// with Scripts/bench/gemm.py (PyTorch) at the same thread count.
import Foundation
import Tensors

enum TensorBench {
    struct Options {
        var only: Set<String> = []
        var threads = 2
        var backend: GEMM.Backend? = nil
        var json = false
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--only": if let value = iterator.next() { options.only.formUnion(value.split(separator: ",").map(String.init)) }
            case "--threads": if let value = iterator.next(), let count = Int(value) { options.threads = count }
            case "--backend": if let value = iterator.next() { options.backend = GEMM.Backend(rawValue: value) }
            case "--json": options.json = true
            case "--clock": BenchTiming.useThreadCPUTime = iterator.next() == "cpu"
            default: FileHandle.standardError.write(Data("sfs-bench tensors: unknown option \(argument)\n".utf8))
            }
        }
        return options
    }

    static func run(arguments: [String]) {
        let options = parse(arguments)
        GEMM.threadCount = options.threads
        setenv("SFS_NUM_THREADS", String(options.threads), 1)  // the elementwise kernels' thread count
        if let backend = options.backend { GEMM.backend = backend }
        let clock = BenchTiming.useThreadCPUTime ? "thread CPU time" : "wall time"
        let header = "# \(GEMM.summary); \(Tensor.kernelSummary), threads \(GEMM.threadCount), \(clock)"
        print(options.json ? "{\"info\": \"\(header.dropFirst(2))\"}" : header)
        func emit(_ row: BenchRow) { print(options.json ? row.json : row.tableLine) }
        if options.only.isEmpty || options.only.contains("gemm") {
            for row in GEMMBench.rows() { emit(row) }
        }
        for (suite, rows) in extraSuites where options.only.isEmpty || options.only.contains(suite) {
            for row in rows() { emit(row) }
        }
    }

    /// The suites after gemm, by the name `--only` selects.
    static var extraSuites: [(String, () -> [BenchRow])] { [("conv", NNBench.convRows), ("sdpa", NNBench.sdpaRows)] }
}

/// The GEMM shapes of issue 2: square, BERT/GPT-2 linear layers, the LM head (skinny), attention.
enum GEMMBench {
    struct Shape {
        var name: String
        var batch = 1
        var m: Int, n: Int, k: Int
        var transB = false
    }

    static let shapes: [Shape] = [
        Shape(name: "square 256", m: 256, n: 256, k: 256),
        Shape(name: "square 512", m: 512, n: 512, k: 512),
        Shape(name: "square 1024", m: 1024, n: 1024, k: 1024),
        Shape(name: "square 2048", m: 2048, n: 2048, k: 2048),
        Shape(name: "linear 128x768->3072", m: 128, n: 3072, k: 768, transB: true),
        Shape(name: "linear 128x3072->768", m: 128, n: 768, k: 3072, transB: true),
        Shape(name: "lm-head 1x768->50257", m: 1, n: 50257, k: 768, transB: true),
        Shape(name: "attn QK^T 96x128x64x128", batch: 96, m: 128, n: 128, k: 64, transB: true),
        Shape(name: "attn PV 96x128x128x64", batch: 96, m: 128, n: 64, k: 128),
    ]

    static func rows() -> [BenchRow] {
        shapes.map { shape in
            let aCount = shape.batch * shape.m * shape.k
            let bCount = shape.batch * shape.k * shape.n
            let cCount = shape.batch * shape.m * shape.n
            let a = UnsafeMutablePointer<Float>.allocate(capacity: aCount)
            let b = UnsafeMutablePointer<Float>.allocate(capacity: bCount)
            let c = UnsafeMutablePointer<Float>.allocate(capacity: cCount)
            defer { a.deallocate(); b.deallocate(); c.deallocate() }
            var seed: UInt32 = 12345
            for i in 0..<max(aCount, bCount) {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                let value = Float(seed >> 8) / Float(1 << 24) - 0.5
                if i < aCount { a[i] = value }
                if i < bCount { b[i] = -value }
            }
            c.initialize(repeating: 0, count: cCount)
            let ldb = shape.transB ? shape.k : shape.n
            let seconds = BenchTiming.best {
                GEMM.sgemmBatched(
                    batch: shape.batch, transA: false, transB: shape.transB, m: shape.m, n: shape.n, k: shape.k,
                    alpha: 1, a: a, lda: shape.k, batchStrideA: shape.m * shape.k,
                    b: b, ldb: ldb, batchStrideB: shape.k * shape.n,
                    beta: 0, c: c, ldc: shape.n, batchStrideC: shape.m * shape.n)
            }
            let flops = 2.0 * Double(shape.batch * shape.m * shape.n * shape.k)
            return BenchRow(suite: "gemm", name: shape.name, seconds: seconds, rate: flops / seconds / 1e9, unit: "GFLOP/s")
        }
    }
}
