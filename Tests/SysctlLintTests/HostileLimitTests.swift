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
