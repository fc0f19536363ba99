// swift-tools-version: 6.1
import PackageDescription

/// One list of Swift settings shared by every target (Swift 6 language mode is the tools default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "seedance",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "seedance", targets: ["seedance"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "SeedanceAPI", targets: ["SeedanceAPI"]),
        .library(name: "QA", targets: ["QA"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "Provenance", targets: ["Provenance"]),
        .library(name: "SeedanceMCP", targets: ["SeedanceMCP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // `swift package generate-documentation` builds the DocC catalogue of each library product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Property-based tests (tests only): random event sequences against the job store.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The official MCP SDK, for `seedance mcp`.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
    ],
    targets: [
        // The C surface of FFmpeg: module map and static inline shims only.
        .systemLibrary(
            name: "CFFmpeg",
            // libswresample is not listed: nothing here calls it (libavfilter's aresample links it on its own).
            // libavfilter is not linked either: it is loaded on first use (see shim.h), which keeps its large tree
            // of libraries out of every command's start; its headers sit beside libavformat's.
            pkgConfig: "libavformat libavcodec libavutil libswscale",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev",
                      "libavfilter-dev", "pkg-config"]),
                .brew(["ffmpeg", "pkg-config"]),
            ]
        ),
        // FFmpeg-backed work on files; knows nothing of Seedance.
        .target(
            name: "Media",
            dependencies: [
                "CFFmpeg",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The API contract and client; knows nothing of FFmpeg.
        .target(
            name: "SeedanceAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // C2PA Content Credentials of MP4/MOV files: read, verify, and test-sign; knows nothing of FFmpeg.
        .target(
            name: "Provenance",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // Checks of a delivered clip against what was asked.
        .target(
            name: "QA",
            dependencies: ["Media", "SeedanceAPI", "Provenance"],
            swiftSettings: swiftSettings
        ),
        // Runs, the job store, plans, reports: the only module that knows both the API and the media.
        .target(
            name: "Pipeline",
            dependencies: [
                "Media",
                "SeedanceAPI",
                "QA",
                "Provenance",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The callback receiver of a run (`CallbackReceiver`).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The local Seedance server.
        .target(
            name: "Simulator",
            dependencies: [
                "Media",
                "SeedanceAPI",
                "Provenance",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The local review web app: pages and actions over a run's store and folder, through Pipeline.
        .target(
            name: "Review",
            dependencies: [
                "Pipeline",
                "SeedanceAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MCP server: tools over the same libraries as the CLI.
        .target(
            name: "SeedanceMCP",
            dependencies: [
                "Media",
                "SeedanceAPI",
                "QA",
                "Pipeline",
                "Provenance",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: thin commands over the libraries.
        .target(
            name: "SeedanceCLI",
            dependencies: [
                "Media",
                "SeedanceAPI",
                "QA",
                "Pipeline",
                "Simulator",
                "Provenance",
                "Review",
                "SeedanceMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "seedance",
            dependencies: ["SeedanceCLI"],
            swiftSettings: swiftSettings,
            // Swift's Linux link exports every symbol of the executable's own code (about 67,000 here) to the
            // dynamic symbol table. Nothing looks them up, but every start pays for them: the runtime's backtracer
            // calls `dladdr` before `main`, which walks that whole table, and the loader maps its 6 MB. Exporting
            // none starts every command about 2 ms sooner (BENCHMARKS.md, the thumbnail section).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "seedance-bench",
            dependencies: [
                "Media", "Pipeline", "Simulator", "SeedanceAPI", "Provenance",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/seedance-bench",
            swiftSettings: swiftSettings
        ),
        // libFuzzer targets over the media and provenance inputs, plan files and the API's answers (scripts/fuzz.sh
        // builds it with -sanitize=fuzzer,address).
        .executableTarget(
            name: "seedance-fuzz",
            dependencies: ["Media", "Provenance", "Pipeline", "SeedanceAPI"],
            path: "Fuzz/seedance-fuzz",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediaTests",
            dependencies: ["Media", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProvenanceTests",
            dependencies: [
                "Provenance", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeedanceAPITests",
            dependencies: ["SeedanceAPI", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QATests",
            dependencies: ["QA", "Media", "SeedanceAPI", "Provenance", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Simulator", "QA", "Media", "SeedanceAPI", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "Media", "SeedanceAPI", "Provenance", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeedanceClientTests",
            dependencies: [
                "SeedanceAPI", "Simulator", "TestSupport", "seedance",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReviewTests",
            dependencies: [
                "Review", "Pipeline", "Simulator", "SeedanceAPI", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeedanceMCPTests",
            dependencies: [
                "SeedanceMCP", "Simulator", "Pipeline", "SeedanceAPI", "TestSupport", "seedance",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeedanceCLITests",
            dependencies: ["SeedanceCLI", "Media", "Pipeline", "Provenance", "SeedanceAPI", "TestSupport", "seedance",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
    ]
)
