// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sysctl-lint",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SysctlLint", targets: ["SysctlLint"]),
        .executable(name: "sysctl-lint", targets: ["sysctl-lint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Everything the tool knows: parsing, the kernel model, the rule engine, the reporters.
        .target(
            name: "SysctlLint",
            dependencies: ["DataTree", .product(name: "Yams", package: "Yams")],
            plugins: [.plugin(name: "EmbedShippedData")]
        ),
        // The command line: a thin layer that turns arguments into a lint run and a report.
        .executableTarget(
            name: "sysctl-lint",
            dependencies: [
                "SysctlLint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // YAML data files as positioned trees (rules, catalogue, project files), and the packed form the shipped
        // ones are compiled into.
        .target(name: "DataTree", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Build-time helper: parses rules/**/*.yaml and compiles them into Swift source, so the binary works when
        // copied alone and starts without parsing YAML.
        .executableTarget(name: "EmbedData", dependencies: ["DataTree"]),
        .plugin(
            name: "EmbedShippedData",
            capability: .buildTool(),
            dependencies: ["EmbedData"]
        ),
        // Fuzzing: targets over every reader and reporter, and the libFuzzer entry (scripts/fuzz.sh builds it with
        // -sanitize=fuzzer; a plain build replays saved inputs). Tests replay the corpora in Fuzz/corpus.
        .target(name: "FuzzTargets", dependencies: ["SysctlLint"]),
        .executableTarget(name: "sysctl-lint-fuzz", dependencies: ["FuzzTargets"]),
        // Development aid: validates reports against a JSON Schema (SARIF) offline, in tests and in .ci/run.
        .target(name: "SchemaCheck"),
        .executableTarget(name: "check-json-schema", dependencies: ["SchemaCheck"]),
        .testTarget(
            name: "SysctlLintTests",
            dependencies: ["SysctlLint", "SchemaCheck", "FuzzTargets"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["sysctl-lint", "EmbedData"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
