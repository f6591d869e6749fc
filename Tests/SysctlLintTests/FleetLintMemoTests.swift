import Testing
@testable import SysctlLint

/// A fleet's hosts are linted once per distinct state (`FleetLintMemo`): every host must still get exactly what
/// its own lint finds.
@Suite struct FleetLintMemoTests {
    /// The shipped rules and one that reads a key no rule watches, so that a state is more than its watched rows.
    static let linter: Linter = {
        let text = """
            rules:
              - id: test-reads-an-unwatched-key
                title: reads a key it does not watch
                severity: info
                keys: vm.swappiness
                when: key("vm.overcommit_memory") == 2
                message: vm.swappiness = {value} with vm.overcommit_memory = {key("vm.overcommit_memory")}
                fix: nothing; a test rule
                rationale: a test rule
                references: ["test"]
                examples:
                  trigger: ["vm.overcommit_memory = 2\\nvm.swappiness = 10"]
                  pass: ["vm.swappiness = 10"]
            """
        let extra: [Rule]
        do { extra = try RuleLoader.load(text: text, file: "test.yaml") } catch { fatalError("the test rule does not load: \(error)") }
        let shipped = Fixtures.knowledge
        return Linter(knowledge: Knowledge(rules: shipped.rules + extra, catalogue: shipped.catalogue))
    }()

    /// A host: `values` in order, from line `line` on, all on that line (`sameLine`, as an osquery log has them) or
    /// one a line.
    static func host(_ name: String, _ values: [(String, String)], line: Int, sameLine: Bool, notes: Bool = false) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: "fleet.log", host: name)
        snapshot.isComplete = false
        for (offset, (key, value)) in values.enumerated() {
            snapshot.append(key: key, value: value, line: sameLine ? line : line + offset)
        }
        if notes {
            snapshot.note(Finding(rule: "snapshot-unreadable-key", severity: .info,
                                  location: SourceLocation(file: "fleet.log", line: line, column: 1), message: "skipped"))
        }
        return snapshot
    }

    static func expectSame(_ memo: LintResult, _ own: LintResult, _ host: String, sourceLocation: SourceLocation_ = #_sourceLocation) {
        #expect(memo.findings == own.findings, "\(host)", sourceLocation: sourceLocation)
        #expect(memo.host == own.host && memo.kernel == own.kernel && memo.kernelAssumed == own.kernelAssumed
                && memo.kernelFromSnapshot == own.kernelFromSnapshot && memo.files == own.files
                && memo.evaluated == own.evaluated && memo.runtimeSource == own.runtimeSource, "\(host)", sourceLocation: sourceLocation)
    }
    typealias SourceLocation_ = Testing.SourceLocation

    /// Random fleets: a few roles, each a random choice of values for watched keys, keys rules and figures read by
    /// name, a key nothing reads, and the kernel; each host is a role, often with one key changed or left out, its
    /// rows sometimes in another order, sometimes with notes, at its own lines.
    @Test(arguments: 1...6)
    func everyHostGetsWhatItsOwnLintFinds(seed: UInt64) {
        var random = JSONWriterTests.Generator(state: seed)
        func below(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &random) }
        let choices: [(String, [String])] = [
            ("kernel.osrelease", ["6.8.0-45-generic", "4.9.0"]),
            ("net.ipv4.tcp_keepalive_time", ["7200", "10", "600"]),
            ("net.ipv4.tcp_keepalive_intvl", ["75", "1"]),
            ("net.ipv4.tcp_retries2", ["15", "3"]),
            ("fs.file-max", ["65536", "9999999"]),
            ("fs.nr_open", ["1048576", "1024"]),
            ("vm.swappiness", ["10", "60"]),
            ("vm.overcommit_memory", ["0", "2"]),
            ("net.ipv4.tcp_tw_recycle", ["0", "1"]),
            ("fs.file-nr", ["1 0 9", "2 0 9", "3 0 9"]),
        ]
        let roles = (0..<4).map { _ in choices.map { key, options in (key, options[below(options.count)]) } }
        var memo = FleetLintMemo(Self.linter)
        var line = 1
        for index in 0..<150 {
            var values = roles[below(roles.count)]
            switch below(6) {
            case 0: values.remove(at: below(values.count))
            case 1:
                let changed = below(values.count)
                values[changed].1 = choices[changed].1[below(choices[changed].1.count)]
            case 2: values.reverse()
            default: break
            }
            if let counter = values.firstIndex(where: { $0.0 == "fs.file-nr" }) {
                values[counter].1 = choices[9].1[below(3)]  // what nothing reads differs from host to host
            }
            let sameLine = below(3) != 0
            let snapshot = Self.host("host-\(index)", values, line: line, sameLine: sameLine, notes: below(10) == 0)
            line += sameLine ? 1 + below(3) : values.count + below(3)
            var request = LintRequest(runtime: snapshot)
            request.reportsFigures = false
            Self.expectSame(memo.lint(request), Self.linter.lint(request), "host-\(index)")
        }
        #expect(memo.hits > 0, "no host was given an earlier host's findings")
    }

    /// Hosts that differ only in keys nothing reads share one lint; a key a rule reads by name, or a row's place,
    /// tells them apart.
    @Test func hostsShareALintOnlyWhenWhatItReadsIsTheSame() {
        let base = [("kernel.osrelease", "6.8.0"), ("vm.swappiness", "10"), ("vm.overcommit_memory", "2"),
                    ("net.ipv4.tcp_keepalive_time", "10"), ("fs.file-nr", "1 0 9")]
        func with(_ key: String, _ value: String) -> [(String, String)] { base.map { $0.0 == key ? ($0.0, value) : $0 } }
        var memo = FleetLintMemo(Self.linter)
        func lint(_ snapshot: RuntimeSnapshot) -> LintResult {
            var request = LintRequest(runtime: snapshot)
            request.reportsFigures = false
            let result = memo.lint(request)
            Self.expectSame(result, Self.linter.lint(request), snapshot.host ?? "")
            return result
        }
        let first = lint(Self.host("a", base, line: 1, sameLine: true))
        #expect(first.findings.contains { $0.rule == "test-reads-an-unwatched-key" })
        let counter = lint(Self.host("b", with("fs.file-nr", "7 0 9"), line: 2, sameLine: true))
        #expect(memo.hits == 1 && counter.findings.allSatisfy { $0.location?.line == 2 && $0.host == "b" })
        let unwatched = lint(Self.host("c", with("vm.overcommit_memory", "0"), line: 3, sameLine: true))
        #expect(memo.hits == 1 && !unwatched.findings.contains { $0.rule == "test-reads-an-unwatched-key" })
        _ = lint(Self.host("d", base, line: 4, sameLine: false))  // its rows one a line: not the first host's places
        _ = lint(Self.host("e", base, line: 40, sameLine: false))
        #expect(memo.hits == 2)
        // The same number of keys in another order: the rows rules read are found again, not taken from the last host.
        let reordered = [("kernel.osrelease", "6.8.0"), ("fs.file-nr", "1 0 9"), ("net.ipv4.tcp_keepalive_time", "10")]
        _ = lint(Self.host("f", reordered, line: 50, sameLine: true))
        let moved = [("kernel.osrelease", "6.8.0"), ("net.ipv4.tcp_keepalive_time", "10"), ("fs.file-nr", "1 0 9")]
        _ = lint(Self.host("g", moved, line: 51, sameLine: true))
        let calm = [("kernel.osrelease", "6.8.0"), ("net.ipv4.tcp_keepalive_time", "7200"), ("fs.file-nr", "1 0 9")]
        #expect(!lint(Self.host("h", calm, line: 52, sameLine: true)).findings.contains { $0.key == "net.ipv4.tcp_keepalive_time" })
        // A key read by name at another distance from the watched rows is another state (a figure's input names
        // its line).
        let read = [("vm.swappiness", "10"), ("net.ipv4.tcp_keepalive_time", "10"), ("vm.overcommit_memory", "2"), ("fs.file-nr", "1 0 9")]
        let hits = memo.hits
        _ = lint(Self.host("i", read, line: 60, sameLine: false))
        _ = lint(Self.host("j", [read[0], read[1], read[3], read[2]], line: 70, sameLine: false))
        #expect(memo.hits == hits)
        _ = lint(Self.host("k", read, line: 80, sameLine: false))
        #expect(memo.hits == hits + 1)
    }

    /// A state is kept only while what it holds fits the byte budget, its findings counted: hosts whose findings
    /// alone pass it are linted one by one, however alike.
    @Test func statesWhoseFindingsPassTheBudgetAreNotKept() throws {
        let message = String(repeating: "a long message ", count: 260)  // about 4 KB a finding
        let text = """
            rules:
              - id: test-long-message
                title: a long message
                severity: info
                keys: "net.ipv4.conf.*.rp_filter"
                when: value == 2
                message: \(message)
                fix: nothing; a test rule
                rationale: a test rule
                references: ["test"]
                examples:
                  trigger: ["net.ipv4.conf.eth0.rp_filter = 2"]
                  pass: ["net.ipv4.conf.eth0.rp_filter = 1"]
            """
        let linter = Linter(knowledge: Knowledge(rules: try RuleLoader.load(text: text, file: "long.yaml"), catalogue: Fixtures.knowledge.catalogue))
        for (interfaces, kept) in [(100, true), (1_100, false)] {
            var memo = FleetLintMemo(linter)
            let values = (0..<interfaces).map { ("net.ipv4.conf.if\($0).rp_filter", "2") }
            for host in ["a", "b"] {
                var request = LintRequest(runtime: Self.host(host, values, line: 1, sameLine: true))
                request.reportsFigures = false
                #expect(memo.lint(request).findings.count == interfaces)
            }
            #expect(memo.hits == (kept ? 1 : 0), "\(interfaces) interfaces")
        }
    }

    /// A request with configuration files, or one that lists figures, is linted as it comes.
    @Test func requestsWithConfigurationOrFiguresAreLintedAsTheyCome() {
        var memo = FleetLintMemo(Self.linter)
        let config = ConfigParser().parse(SourceText(path: "a.conf", text: "vm.swappiness = 10\n"))
        for index in 0..<3 {
            var request = LintRequest(config: [config], runtime: Self.host("h\(index)", [("vm.swappiness", "60")], line: 1, sameLine: true))
            Self.expectSame(memo.lint(request), Self.linter.lint(request), "h\(index)")
            request.config = []
            request.reportsFigures = true
            Self.expectSame(memo.lint(request), Self.linter.lint(request), "h\(index)")
        }
        #expect(memo.hits == 0)
    }
}
