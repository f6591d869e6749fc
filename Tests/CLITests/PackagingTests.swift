import Foundation
import Testing

/// What a user installing the tool reads must agree: --version, the changelog, the pre-commit docs, the licence.
@Suite struct PackagingTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: CLITests.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func versionAgreesEverywhere() throws {
        let version = try CLITests.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let changelog = try Self.text("CHANGELOG.md")
        let firstEntry = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        #expect(firstEntry == "## \(version)")
        #expect(try Self.text("README.md").contains("rev: v\(version)"))
        let sarif = try CLITests.run(["--format", "sarif", "examples/clean.conf"]).stdout
        #expect(sarif.contains("\"version\" : \"\(version)\""))
    }

    @Test func licenceIsApache2() throws {
        #expect(try Self.text("LICENSE").contains("Apache License\n                           Version 2.0"))
    }
}
