import Foundation
import Testing
@testable import SysctlLint

/// Work that grows with the product of two inputs is bounded, and says so when it stops.
@Suite struct HostileLimitTests {
    @Test func manyGlobsAgainstManyKeysStopWithANote() {
        var lines: [String] = []
        for index in 0..<2_100 { lines.append("net.ipv4.conf.g\(index)*.rp_filter = 1") }
        for index in 0..<1_000 { lines.append("net.ipv4.conf.k\(index).rp_filter = 2") }
        let result = Fixtures.lint(lines.joined(separator: "\n") + "\n")
        let notes = result.findings.filter { $0.rule == "glob-overridden-by-key" }
        #expect(notes.count == 1)
        #expect(notes.first?.message.contains("too many to compare") == true)
    }

    @Test func aFewGlobsAreStillCompared() {
        let result = Fixtures.lint("net.ipv4.conf.*.rp_filter = 1\nnet.ipv4.conf.eth0.rp_filter = 2\n")
        #expect(result.findings.contains { $0.rule == "glob-overridden-by-key" && $0.message.contains("beats the glob") })
    }
}

/// A baseline is a file anyone may edit: its counts cannot overflow the sums made from them.
@Suite struct BaselineCountTests {
    @Test func hugeAndNegativeCountsSaturate() throws {
        let json = """
            {"version": 1, "tool": "sysctl-lint", "findings": [
              {"file": "a.conf", "rule": "r", "key": "k", "value": "v", "count": \(Int.max)},
              {"file": "a.conf", "rule": "r", "key": "k", "value": "v", "count": \(Int.max)},
              {"file": "b.conf", "rule": "r", "key": "k", "value": "v", "count": -5},
              {"file": "c.conf", "rule": "r", "key": "k", "value": "v", "count": \(Int.max)}
            ]}
            """
        let baseline = try JSONDecoder().decode(Baseline.self, from: Data(json.utf8))
        let finding = Finding(rule: "r", severity: .warning, key: "k", value: "v", location: SourceLocation(file: "b.conf", line: 1, column: 1), message: "m")
        let (new, outcome) = baseline.filter([finding], paths: ReportPaths())
        #expect(new.count == 1, "a negative count holds nothing back")
        #expect(outcome.fixed == Int.max)
    }
}

/// Reports hold at most `FindingLimit.perRun` findings; the rest are counted and keep counting for the exit status.
@Suite struct FindingLimitTests {
    @Test func findingsBeyondTheLimitAreCountedNotKept() {
        let result = Fixtures.lint(String(repeating: "vm.swappiness = 10\n", count: 50) + "net.ipv4.tcp_tw_recycle = 1\n", kernel: "6.8")
        #expect(result.findings.count > 20)
        let (kept, omitted, worst) = FindingLimit.apply(result.findings, limit: 10)
        #expect(kept.count == 10 && omitted == result.findings.count - 10)
        #expect(kept.allSatisfy { $0.severity == .info }, "the first findings are the infos about repeated lines")
        #expect(worst == .error, "the error past the limit still decides the exit status")
        #expect(FindingLimit.apply(result.findings).omitted == 0)
    }
}

/// Every reader bounds what it keeps per host: notes, rows and messages.
@Suite struct ReaderLimitTests {
    @Test func garbageLinesGetNotesUpToTheLimitThenOne() {
        let text = String(repeating: "this is not a sysctl line\n", count: RuntimeSnapshot.noteLimit + 500)
        let snapshot = SysctlDumpReader().read(text: text, source: "dump.txt")
        #expect(snapshot.notes.count == RuntimeSnapshot.noteLimit + 1)
        #expect(snapshot.notes.last?.message.contains("without a note each") == true)
        #expect(snapshot.notes.last?.location?.line == RuntimeSnapshot.noteLimit + 1, "placed at the first line left unnoted")
    }

    @Test func anOsqueryHostLargerThanTheLimitIsCutAndTheNextHostStillRead() throws {
        var log = ""
        for index in 0..<200 {
            log += #"{"hostIdentifier":"big","action":"added","columns":{"name":"net.ipv4.k\#(index)","current_value":"1"}}"# + "\n"
        }
        log += #"{"hostIdentifier":"small","action":"added","columns":{"name":"vm.swappiness","current_value":"10"}}"# + "\n"
        let reader = OsqueryReader(lines: try RuntimeTests.stream(log), source: "results.log", hostSizeLimit: 4096)
        let big = try #require(reader.next()), small = try #require(reader.next())
        #expect(reader.next() == nil)
        #expect(big.host == "big" && big.entries.count < 200 && big.entries.count > 10)
        #expect(big.notes.count == 1 && big.notes[0].message.contains("later rows were not read"))
        #expect(small.host == "small" && small.entries.count == 1 && small.notes.isEmpty)
    }

    @Test func manyOsqueryArrayHostsAreHandedOutInOrder() throws {
        let rows = (0..<3000).map { #"{"name":"vm.swappiness","current_value":"\#($0)","hostIdentifier":"h\#($0)"}"# }
        let reader = OsqueryReader(lines: try RuntimeTests.stream("[" + rows.joined(separator: ",\n") + "]"), source: "q.json")
        var hosts: [String] = []
        while let snapshot = reader.next() { hosts.append(snapshot.host ?? "") }
        #expect(hosts == (0..<3000).map { "h\($0)" })
    }

    @Test func messageTemplatesHaveLimits() throws {
        let many = String(repeating: "{value}", count: MessageTemplate.maxInterpolations + 1)
        #expect(throws: ExpressionError.self) { try MessageTemplate.parse(many) }
        #expect(throws: ExpressionError.self) { try MessageTemplate.parse(String(repeating: "x", count: MessageTemplate.maxLength + 1)) }
        let enough = try MessageTemplate.parse(String(repeating: "{value} ", count: MessageTemplate.maxInterpolations))
        #expect(enough.parts.count == MessageTemplate.maxInterpolations * 2)
        #expect(MessageTemplate.shortened(String(repeating: "9", count: 10_000)).count == MessageTemplate.maxRenderedValue + 1)
        #expect(MessageTemplate.shortened("short") == "short")
    }

    @Test func projectFileListsHaveALimit() throws {
        let ids = (0...ProjectConfig.entryLimit).map { "- rule-\($0)" }.joined(separator: "\n  ")
        #expect(throws: DataFileProblem.self) { try ProjectConfig.parse("ignore:\n  \(ids)\n", file: "p.yaml") }
        let patterns = (0...ProjectConfig.entryLimit).map { "d\($0)/*.conf: tcp" }.joined(separator: "\n  ")
        do {
            _ = try ProjectConfig.parse("per-path-ignores:\n  \(patterns)\n", file: "p.yaml")
            Issue.record("a project file with too many per-path entries was accepted")
        } catch {
            #expect(error.line != nil && error.message.contains("more than \(ProjectConfig.entryLimit)"))
        }
    }

    @Test(arguments: [("etc/**/*.conf", "etc/sysctl.d/a.conf", true), ("**/**/**/x", "a/b/x", true),
                      ("./etc/*.conf", "etc/a.conf", true), ("etc/?.conf", "etc/ab.conf", false)])
    func compiledPatternsMatchAsBefore(pattern: String, path: String, matches: Bool) {
        #expect(PathPattern.matches(pattern, path) == matches)
        let compiled = PathPattern.Compiled(pattern)
        #expect(compiled.matches(segments: PathPattern.segments(path)) == matches)
    }
}
