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

/// The reproductions of a hostile review, each ending in bounded work with a message (not timed: each bound is in
/// the code, and these inputs would hang or trap without it).
@Suite struct HostileReviewTests {
    @Test func runningValuesCannotOverflowThePortCount() {
        let snapshot = SysctlDumpReader().read(text: "kernel.osrelease = 6.8.0\nnet.ipv4.ip_local_port_range = 0\t9223372036854775807\n", source: "s.txt")
        let result = Linter(knowledge: Fixtures.knowledge).lint(LintRequest(runtime: snapshot, evaluate: .runtime))
        #expect(result.figures.first { $0.name == .ephemeralPorts }?.value == Double(Int.max))
    }

    @Test func aHugeLinearPhaseIsCountedNotStepped() {
        let timeline = TimeoutModel.synGiveUp(synRetries: Int.max, linearTimeouts: Int.max, initialRtoMs: 1000, rtoMaxMs: 120_000)
        #expect(timeline.retransmissionCount > 1_000_000)
        let small = TimeoutModel.synGiveUp(synRetries: 6, linearTimeouts: 4, initialRtoMs: 1000, rtoMaxMs: 120_000)
        let stepped = TimeoutModel.synGiveUp(synRetries: 6, linearTimeouts: 0, initialRtoMs: 1000, rtoMaxMs: 120_000)
        #expect(small.retransmissionsMs.prefix(5) == [1000, 2000, 3000, 4000, 5000], "the flat phase is still listed firing by firing")
        #expect(stepped.retransmissionsMs.prefix(3) == [1000, 3000, 7000])
    }

    @Test func nestedComplexKeysAreRefusedBeforeComposing() {
        let nested = String(repeating: "? ", count: 400) + "x" + String(repeating: "\n: 1", count: 1) + "\n"
        #expect(throws: DataFileProblem.self) { _ = try ProjectConfig.parse(nested, file: "p.yaml") }
        do {
            _ = try ProjectConfig.parse("{? {? a : 1} : 1} : 1\n", file: "p.yaml")
            Issue.record("a mapping as a key was accepted")
        } catch {
            #expect(error.message.contains("mapping keys must be plain strings") && error.line == 1)
        }
    }

    @Test func pathologicalGlobsStopAtTheirBudget() {
        let pattern = "net.ipv4.*" + String(repeating: "a", count: 20_000) + "b"
        let key = "net.ipv4." + String(repeating: "a", count: 40_000) + "x"
        #expect(!Glob.matches(pattern, key))
        #expect(Glob.matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0.rp_filter"))
        #expect(Glob.matches("*a*b*c", String(repeating: "x", count: 1000) + "abc"))
    }

    @Test(arguments: [("net/ipv4/conf/*/rp_filter", "net/ipv4/conf/eth0/rp_filter"), ("net/ipv4/conf/*/rp_filter", "net/ipv4/conf/a/b/rp_filter"),
                      ("*/ipv4/*", "net/ipv4/x"), ("net/ipv[46]/*", "net/ipv6/x"), ("?et/*", "net/x"), ("net/*", "kernel/x"), ("", "")])
    func patternsInBytesMatchAsPatternsInText(pattern: String, key: String) {
        #expect(Glob.matches(bytes: Array(pattern.utf8), key) == Glob.matches(pattern, key))
    }

    @Test func directivesAfterTheirSettingsAreMatchedByBinarySearch() {
        #expect(Suppressions.firstLine(after: 5, in: [1, 3, 6, 9]) == 6)
        #expect(Suppressions.firstLine(after: 9, in: [1, 3, 6, 9]) == nil)
        #expect(Suppressions.firstLine(after: 0, in: []) == nil)
        let text = String(repeating: "-a.b\n", count: 20_000) + String(repeating: "# sysctl-lint: disable=vendor-key -- r\n", count: 20_000)
        let result = Fixtures.lint(text)
        #expect(result.findings.filter { $0.rule == "suppression-unused" }.count == 20_000)
    }

    @Test func ruleFilesAreBoundedPerRuleAndPerKey() {
        let keys = (0...RuleLoader.maxKeysPerRule).map { "k\($0)" }.joined(separator: ", ")
        let rule = "rules:\n  - id: many-keys\n    title: t\n    severity: info\n    keys: [\(keys)]\n    when: \"value > 1\"\n    message: m\n    fix: f\n    rationale: r\n    references: [x]\n    examples: {trigger: [\"k0 = 2\"], pass: [\"k0 = 1\"]}\n"
        #expect(throws: DataFileProblem.self) { try RuleLoader.load(text: rule, file: "r.yaml") }
    }

    @Test func brokenFilesListTheirFirstProblemsAndCountTheRest() {
        let file = ConfigParser().parse(SourceText(path: "x.conf", text: String(repeating: "x\n", count: FindingLimit.perRun + 50)))
        #expect(file.findings.count == FindingLimit.perRun + 1)
        #expect(file.findings.last?.message.hasPrefix("50 more problems") == true && file.findings.last?.severity == .error)
    }

    @Test func findingsQuoteInputUpToALimit() {
        let huge = String(repeating: "A", count: 1_000_000)
        let finding = Finding(rule: "r", severity: .info, value: huge, location: nil, message: "value \(huge)")
        #expect(finding.value?.utf8.count == Finding.maxValueBytes + "…".utf8.count)
        #expect(finding.message.utf8.count == Finding.maxMessageBytes + "…".utf8.count)
        #expect(Finding.bounded("é" + String(repeating: "é", count: 10), 3) == "é…", "never cut inside a character")
        let repeated = Fixtures.lint(String(repeating: "vm.swappiness = 1\n", count: 50) + "vm.swappiness = " + String(repeating: "9", count: 500_000) + "\n")
        #expect(repeated.findings.allSatisfy { $0.message.utf8.count <= Finding.maxMessageBytes + 3 })
    }

    @Test func hostNamesAndEntriesAreBounded() {
        let snapshot = RuntimeSnapshot(source: "log", host: String(repeating: "h", count: 1_000_000))
        #expect(snapshot.host?.utf8.count == RuntimeSnapshot.maxHostBytes + "…".utf8.count)
        var many = RuntimeSnapshot(source: "s")
        for index in 0..<(RuntimeSnapshot.maxEntries + 10) { many.append(key: "k\(index)", value: "1", line: index + 1) }
        #expect(many.entries.count == RuntimeSnapshot.maxEntries && many.notes.count == 1)
    }

    @Test(arguments: [
        ("  ::error::forged", "  :\u{200B}:error::forged"),
        ("\u{00A0}::warning::x", "\u{00A0}:\u{200B}:warning::x"),
        ("text ##[error]x", "text #\u{200B}#[error]x"),
        ("a :: b", "a :: b"),
    ])
    func workflowCommandsCannotStartALine(line: String, shown: String) {
        #expect(DisplayText.neutralizingCommands(line) == shown)
        #expect(DisplayText.neutralizingCommands("ok\n" + line + "\n") == "ok\n" + shown + "\n")
    }
}

/// Data files are read with a bound: a /proc file passes the size check (stat says 0 bytes) and can be endless.
@Suite struct BoundedReadTests {
    @Test func readsStopOneBytePastTheLimit() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/maps") else { return }
        var status = stat()
        #expect(stat("/proc/self/maps", &status) == 0 && status.st_size == 0, "the case the bound is for")
        #expect(try RegularFile.bytes(atPath: "/proc/self/maps", limit: 10).count == 11)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bounded-\(UUID().uuidString)")
        try Data("12345".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try RegularFile.bytes(atPath: file.path, limit: 10) == Array("12345".utf8))
        #expect(throws: RegularFile.ReadFailure.self) { try RegularFile.bytes(atPath: file.path + ".missing", limit: 10) }
    }
}
