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

    /// Random fleets over a few values of each key: watched keys, keys rules and figures read by name, a key
    /// nothing reads, two kernels, rows in another order, hosts with notes, and hosts at other lines.
    @Test(arguments: 1...6)
    func everyHostGetsWhatItsOwnLintFinds(seed: UInt64) {
        var random = SplitMix(seed: seed)
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
        var memo = FleetLintMemo(Self.linter)
        var line = 1
        for index in 0..<120 {
            var values = choices.compactMap { key, options -> (String, String)? in
                random.below(8) == 0 ? nil : (key, options[random.below(options.count)])
            }
            if random.below(6) == 0 { values.reverse() }
            let sameLine = random.below(3) != 0
            let snapshot = Self.host("host-\(index)", values, line: line, sameLine: sameLine, notes: random.below(10) == 0)
            line += sameLine ? 1 + random.below(3) : values.count + random.below(3)
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

/// A small seeded generator, so that a failing fleet can be made again.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
