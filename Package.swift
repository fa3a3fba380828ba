// swift-tools-version:6.0
// Swiftformers: Hugging Face style objects as ordinary values in a Python-flavoured REPL and script
// language, on our own CPU tensor engine. The module map is docs/ARCHITECTURE.md; a target depends
// only on targets above it in that table.
import PackageDescription

/// Kernels are hot loops over unsafe buffers: even debug builds (what `swift test` uses) get the
/// optimizer for the engine, otherwise parity tests on realistic shapes take minutes.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "Swiftformers",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sfs", targets: ["sfs"]),
        .executable(name: "sfs-bench", targets: ["sfs-bench"]),
        .library(name: "Swiftformers", targets: ["ScriptLibrary", "Pipelines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev libpng-dev libjpeg-dev libreadline-dev; see Scripts/bootstrap).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        // zlib (libpng-dev brings zlib1g-dev): the Tokenizers/Jinja tests read gzip-compressed fixtures.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // AVX2+FMA kernels behind a run-time CPU check (docs/TENSOR-OPS.md, "Native kernels").
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Quantized (GGUF block) matmul kernels: AVX2 functions chosen at run time, portable fallback (docs/GGUF.md).
        .target(name: "CQuant", dependencies: ["CKernels"], cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensors", dependencies: ["CBLAS", "CKernels", "CQuant"], swiftSettings: optimizedInDebug),
        // setjmp/longjmp wrappers: libpng/libjpeg errors must come back as Swift errors, not abort.
        .target(
            name: "CImageSupport", dependencies: ["CPNG", "CJPEG"],
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),
        // libcurl through dlopen on the first http(s) request: linking it (or FoundationNetworking) loads ~40
        // libraries at every start-up (docs/LANGUAGE.md, "Start-up").
        .target(name: "CCurlLoader"),
        .target(name: "Media", dependencies: ["CImageSupport", "CPNG", "CJPEG", "CCurlLoader"], swiftSettings: optimizedInDebug),
        .target(name: "Jinja", swiftSettings: optimizedInDebug),
        .target(name: "JSON", swiftSettings: optimizedInDebug),
        .target(name: "Tokenizers", dependencies: ["Jinja", "JSON"], swiftSettings: optimizedInDebug),
        .target(name: "Hub", dependencies: ["JSON", "CCurlLoader"], swiftSettings: optimizedInDebug),
        .target(name: "Models", dependencies: ["Tensors", "Hub"], swiftSettings: optimizedInDebug),
        .target(name: "Processors", dependencies: ["Media", "Tokenizers", "Tensors", "Hub"]),
        .target(name: "Generation", dependencies: ["Models", "Tokenizers", "Tensors", "Hub"], swiftSettings: optimizedInDebug),
        .target(name: "Pipelines", dependencies: ["Generation", "Processors", "Models", "Tokenizers", "Media", "Hub"]),
        // The interpreter's hot loop touches class properties constantly: dynamic exclusivity checks
        // cost ~15% there, and the AST is only ever mutated by the resolver before it runs.
        .target(name: "Script", swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "ScriptLibrary", dependencies: ["Script", "Pipelines", "Generation", "Processors", "Models", "Tokenizers", "Media", "Hub", "Tensors"]),
        .target(name: "REPL", dependencies: ["Script", "ScriptLibrary", "CReadline"]),
        .executableTarget(
            name: "sfs",
            dependencies: ["REPL", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "sfs-bench", dependencies: ["Tensors", "Pipelines", "Processors", "Media", "Models", "Tokenizers", "Generation", "Hub"],
            swiftSettings: optimizedInDebug),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ScriptTests", dependencies: ["Script", "ScriptLibrary"], resources: [.copy("cases")]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "JSON", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HubTests", dependencies: ["Hub", "JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ScriptLibraryTests", dependencies: ["Script", "ScriptLibrary", "Hub", "Media"], resources: [.copy("cases")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Models", "Tensors", "Hub", "Tokenizers", "Pipelines"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MediaTests", dependencies: ["Media"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PipelinesTests", dependencies: ["Pipelines", "Models", "Tokenizers", "Hub", "Processors", "Media", "Tensors"], resources: [.copy("Fixtures")]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Script"]),
        .testTarget(name: "ProcessorsTests", dependencies: ["Processors", "Media", "Hub", "Tokenizers"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "VisionTests", dependencies: ["Pipelines", "Processors", "Models", "Media", "Tensors", "Tokenizers", "Hub"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
