import Foundation
import Testing
@testable import SysctlLint

/// Robustness and precision on real-world files (../shared/corpus).
@Suite struct CorpusTests {
    static let corpus = Fixtures.shared.appendingPathComponent("corpus")

    static let kinds: [String: String] = {
        guard let text = try? String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else { return [:] }
        var kinds: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count > 4 { kinds[String(fields[0])] = String(fields[4]) }
        }
        return kinds
    }()

    static let files: [String] = ["conf", "snapshots"].flatMap { folder -> [String] in
        let directory = corpus.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0).path }
    }

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 100)
        #expect(Self.kinds.values.filter { $0 == "distro-default" }.count >= 10)
    }

    @Test func everyFileIsProcessed() throws {
        for path in Self.files {
            let sources = try InputReader().read(path)
            let result = Linter(knowledge: Fixtures.knowledge).lint(sources)
            #expect(result.files == [path])
        }
    }

    @Test func distributionDefaultsYieldNoErrorOrWarning() throws {
        let distro = Self.files.filter { Self.kinds[($0 as NSString).lastPathComponent] == "distro-default" }
        #expect(!distro.isEmpty)
        for path in distro {
            let result = Linter(knowledge: Fixtures.knowledge).lint(try InputReader().read(path))
            let serious = result.findings.filter { $0.severity >= .warning }
            #expect(serious.isEmpty, "\(path): \(serious.map { "\($0.location?.line ?? 0): \($0.rule): \($0.message)" })")
        }
    }
}
