import Foundation
import Testing
@testable import SysctlLint

/// Robustness and precision on real-world files (../shared/corpus).
@Suite(.needsSharedCorpus) struct CorpusTests {
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

    /// Configuration files are linted as configuration, saved `sysctl -a` dumps as running values.
    @Test func everyFileIsProcessed() throws {
        for path in Self.files {
            if path.contains("/snapshots/") {
                let snapshot = try #require(try SnapshotStream.open(path, format: .auto).next())
                let result = Linter(knowledge: Fixtures.knowledge).lint(LintRequest(runtime: snapshot))
                #expect(result.files == [path])
            } else {
                let result = Linter(knowledge: Fixtures.knowledge).lint(try InputReader().read(path))
                #expect(result.files == [path])
            }
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

    /// The kernel model must cover every key that real configurations set in more than one file.
    @Test func catalogueCoversKeysSetInSeveralFiles() throws {
        var filesPerKey: [String: Int] = [:]
        for path in Self.files where path.contains("/conf/") {
            let parsed = ConfigParser().parse(try InputReader().read(path)[0])
            let keys = Set(parsed.statements.compactMap { statement -> String? in
                guard case .assignment(let assignment) = statement, !assignment.key.isGlob else { return nil }
                return assignment.key.name
            })
            for key in keys { filesPerKey[key, default: 0] += 1 }
        }
        let missing = filesPerKey.filter { $0.value > 1 && Fixtures.knowledge.catalogue.parameter(for: $0.key) == nil }.keys.sorted()
        #expect(filesPerKey.count > 200)
        #expect(missing.isEmpty, "not in rules/kernel/parameters.yaml: \(missing)")
    }
}
