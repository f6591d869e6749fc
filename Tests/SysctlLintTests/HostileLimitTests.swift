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
