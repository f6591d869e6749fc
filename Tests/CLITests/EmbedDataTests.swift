import Foundation
import Testing

/// The build step that compiles rules/ into the binary: a broken YAML file must stop the build with its file, line
/// and column, as the compiler reports a syntax error; a good one becomes a Swift source holding its packed tree.
@Suite struct EmbedDataTests {
    static let tool = CLITests.binary.deletingLastPathComponent().appendingPathComponent("EmbedData")

    static func embed(_ files: [String: String]) throws -> (status: Int32, stderr: String, output: String?) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let output = directory.appendingPathComponent("out.swift")
        let process = Process()
        process.executableURL = tool
        process.arguments = [output.path, directory.path] + paths
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr, try? String(contentsOf: output, encoding: .utf8))
    }

    @Test func aYAMLErrorFailsTheBuildWithItsPosition() throws {
        let run = try Self.embed(["good.yaml": "rules: []\n", "broken.yaml": "rules:\n  - id: a\n    id: b\n"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("broken.yaml:2:5: error: duplicate key 'id'"), "\(run.stderr)")
        #expect(run.output == nil)
    }

    @Test func aliasesAreRefusedAtBuildTimeToo() throws {
        let run = try Self.embed(["alias.yaml": "a: &x 1\nb: *x\n"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("alias.yaml:1:4: error: YAML anchors and aliases are not supported"), "\(run.stderr)")
    }

    @Test func goodFilesBecomePackedLiterals() throws {
        let run = try Self.embed(["r.yaml": "rules:\n  - id: \"quote\\\" and \\\\ backslash\"\n"])
        #expect(run.status == 0, "\(run.stderr)")
        let source = try #require(run.output)
        #expect(source.contains("static let files: [(path: String, packed: StaticString)]"))
        #expect(source.contains("(\"r.yaml\", \"m1,1,1:s11,1,5:rules"))
        #expect(source.contains("quote\\\" and \\\\ backslash"))
    }
}
