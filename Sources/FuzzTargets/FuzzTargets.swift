import SysctlLint

/// Fuzz targets: each takes arbitrary bytes, runs one reader (and what follows it) and returns the invariants the
/// output broke. Crashes, hangs and memory blow-ups are caught by libFuzzer itself; broken invariants are turned
/// into crashes by the fuzzing entry point (`sysctl-lint-fuzz`) and into test failures by the corpus replay.
public enum FuzzTargets {
    public static let names = ["config", "values", "rules", "expression", "project", "snapshot", "json", "metrics", "baseline", "evidence", "sources"]

    /// Problems found running `target` on `bytes`; empty when every invariant holds.
    public static func run(_ target: String, _ bytes: [UInt8]) -> [String] {
        switch target {
        case "config": return plainLinesAgree(SourceText(path: "fuzz.conf", bytes: bytes)) + lintAndRender(SourceText(path: "fuzz.conf", bytes: bytes))
        case "values": return lintAndRender(SourceText(path: "fuzz.conf", text: ValueGenerator.config(from: bytes)))
        case "rules": return rules(String(decoding: bytes, as: UTF8.self))
        case "expression": return expression(String(decoding: bytes, as: UTF8.self))
        case "project": _ = try? ProjectConfig.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml"); return []
        case "snapshot": return snapshot(bytes)
        case "json": return json(bytes)
        case "metrics": return metrics(bytes)
        case "baseline": return baseline(bytes)
        case "evidence": return evidence(bytes)
        case "sources": return sources(bytes)
        default: return ["unknown fuzz target \(target)"]
        }
    }

    static let linter = Linter(knowledge: (try? Knowledge.shipped()) ?? Knowledge(rules: [], catalogue: ParameterCatalogue(parameters: [])))

    /// The parser's short path for plain lines gives what the full line reader gives.
    static func plainLinesAgree(_ source: SourceText) -> [String] {
        var full = ConfigParser()
        full.readsPlainLinesDirectly = false
        let expected = full.parse(source), parsed = ConfigParser().parse(source)
        let same = parsed.statements == expected.statements && parsed.findings == expected.findings && parsed.lineCount == expected.lineCount
        return same ? [] : ["plain lines read directly differ from the full line reader"]
    }

    /// Lints a config and renders it in every format, checking each rendering.
    static func lintAndRender(_ source: SourceText) -> [String] {
        // One kernel per input, chosen by its length: eras differ in bounds and figures.
        let kernels = [nil, KernelVersion("2.6.32"), KernelVersion("4.19")]
        return check(linter.lint([source], kernel: kernels[source.bytes.count % kernels.count]))
    }

    static func check(_ result: LintResult) -> [String] {
        var problems: [String] = []
        let text = TextReporter(showSchedules: true, showAllFigures: true).render(result)
        problems += Invariants.displaySafe(text, format: "text")
        let gcc = GCCReporter().render(result.findings)
        problems += Invariants.displaySafe(gcc, format: "gcc")
        problems += Invariants.oneLinePerFinding(gcc, count: result.findings.count, format: "gcc")
        let github = GitHubReporter().annotations(result.findings)
        problems += Invariants.displaySafe(github, format: "github")
        problems += Invariants.oneLinePerFinding(github, count: result.findings.count, format: "github")
        for (format, document) in [("json", JSONReporter().render(result, toolVersion: "fuzz")),
                                   ("sarif", SARIFReporter().render(result.findings, rules: firedRules(result), toolVersion: "fuzz")),
                                   ("gitlab", GitLabReporter().render(result.findings))] {
            if (try? JSONParser.parse(Array(document.utf8))) == nil { problems.append("\(format) output is not JSON") }
        }
        for (format, document) in [("junit", JUnitReporter().render(result.findings, files: result.files)),
                                   ("checkstyle", CheckstyleReporter().render(result.findings, files: result.files))] {
            problems += Invariants.displaySafe(document, format: format)
        }
        return problems
    }

    /// The rules a result's findings name: SARIF's rule list for the fuzzer, whose inputs fire few.
    static func firedRules(_ result: LintResult) -> [Rule] {
        let fired = Set(result.findings.map(\.rule))
        return linter.knowledge.rules.filter { fired.contains($0.id) }
    }

    static func rules(_ text: String) -> [String] {
        guard let rules = try? RuleLoader.load(text: text, file: "fuzz.yaml") else { return [] }
        // A rule that loads must evaluate without trapping on its own examples.
        var problems: [String] = []
        let knowledge = Knowledge(rules: rules, catalogue: linter.knowledge.catalogue)
        for rule in rules {
            for example in rule.examples.prefix(4) {
                let result = Linter(knowledge: knowledge).lint([SourceText(path: "example.conf", text: example.text)], kernel: example.kernel)
                problems += Invariants.displaySafe(TextReporter().render(result), format: "text")
            }
        }
        return problems
    }

    static func expression(_ text: String) -> [String] {
        _ = try? ExpressionParser.condition(text)
        _ = try? ExpressionParser.interpolation(text)
        _ = try? MessageTemplate.parse(text)
        return []
    }

    static func snapshot(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let snapshot = SysctlDumpReader().read(text: text, source: "fuzz.txt")
        let result = linter.lint(LintRequest(config: [], runtime: snapshot, evaluate: .runtime))
        return check(result)
    }

    static func json(_ bytes: [UInt8]) -> [String] {
        // An osquery log's rows read in place are the rows built as values: hosts, values and notes alike.
        func hosts(inPlace: Bool) -> [RuntimeSnapshot] {
            all(OsqueryReader(lines: LineStream(bytes: bytes), source: "fuzz.log", readsRowsInPlace: inPlace).next)
        }
        let read = hosts(inPlace: true)
        if described(read) != described(hosts(inPlace: false)) { return ["osquery rows read in place differ from the rows built"] }
        if !memoAgrees(read) { return ["a host linted through the fleet memo differs from its own lint"] }
        guard let value = try? JSONParser.parse(bytes) else { return [] }
        // What the parser accepts, the writer writes back, and reading that gives the same document.
        let written = JSONWriter.string(value, pretty: false)
        guard let again = try? JSONParser.parse(Array(written.utf8)) else { return ["written JSON does not parse again"] }
        return JSONWriter.string(again, pretty: false) == written ? [] : ["JSON does not round-trip"]
    }

    /// Every host a fleet reader gives, in order.
    static func all(_ next: () -> RuntimeSnapshot?) -> [RuntimeSnapshot] {
        var hosts: [RuntimeSnapshot] = []
        while let host = next() { hosts.append(host) }
        return hosts
    }

    /// Hosts as text to compare: names, values and notes.
    static func described(_ hosts: [RuntimeSnapshot]) -> [String] {
        hosts.map { "\($0.host ?? "-") \($0.entries) \($0.notes.map(\.message))" }
    }

    /// Whether each host linted through a fleet memo (as a fleet report lints them) gets what its own lint finds.
    static func memoAgrees(_ hosts: [RuntimeSnapshot]) -> Bool {
        var memo = FleetLintMemo(linter)
        return hosts.allSatisfy { host in
            var request = LintRequest(runtime: host)
            request.reportsFigures = false
            let remembered = memo.lint(request), own = linter.lint(request)
            return remembered.findings == own.findings && remembered.host == own.host && remembered.kernel == own.kernel
        }
    }

    /// node_exporter text: each host held is linted and rendered; when the hosts' samples lie together, the hosts
    /// streamed are the hosts held, values and notes alike.
    static func metrics(_ bytes: [UInt8]) -> [String] {
        func hosts(streamed: Bool) -> [RuntimeSnapshot] {
            all(NodeExporterReader(lines: LineStream(bytes: bytes), source: "fuzz.prom", streamsHosts: streamed).next)
        }
        let held = hosts(streamed: false)
        if NodeExporterReader.hostsAreContiguous(in: LineStream(bytes: bytes)), described(hosts(streamed: true)) != described(held) {
            return ["node_exporter hosts streamed differ from the hosts held"]
        }
        if !memoAgrees(held) { return ["a host linted through the fleet memo differs from its own lint"] }
        return held.flatMap { check(linter.lint(LintRequest(config: [], runtime: $0, evaluate: .runtime))) }
    }

    /// The same bytes through every socket-evidence reader (a /proc table, `ss` output, counters, the small
    /// files), then the census, the verdicts and both reports.
    static func evidence(_ bytes: [UInt8]) -> [String] {
        var evidence = Evidence(source: "fuzz")
        ProcNetTCPReader().read(LineStream(bytes: bytes), source: "tcp", into: &evidence)
        SSReader().read(LineStream(bytes: bytes), source: "ss.txt", into: &evidence)
        let text = String(decoding: bytes, as: UTF8.self)
        if let counters = CounterReader.counters(in: text, source: "netstat", evidence: &evidence) { evidence.counters = counters }
        evidence.sockstat = HostFactsReader.sockstat(text)
        evidence.fileHandles = HostFactsReader.fileHandles(text)
        evidence.uptime = HostFactsReader.uptime(text)
        for entry in SysctlDumpReader().read(text: text, source: "sysctl.txt").entries.prefix(64) { evidence.settings[entry.key] = entry.value }
        evidence.files = ["fuzz"]
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: linter.knowledge)
        let findings = verdicts.findings
        var problems = Invariants.displaySafe(SocketTextReporter().render(verdicts, findings: findings), format: "sockets text")
        if (try? JSONParser.parse(Array(SocketJSONReporter().render(verdicts, findings: findings, toolVersion: "fuzz").utf8))) == nil {
            problems.append("sockets json output is not JSON")
        }
        let attached = EvidenceCatalogue.attach(to: [Finding(rule: "somaxconn-low", severity: .warning, location: nil, message: "m"),
                                                     Finding(rule: "tcp-keepalive-close-wait", severity: .info, location: nil, message: "m")], from: evidence)
        problems += Invariants.displaySafe(TextReporter().findingLines(attached), format: "evidence text")
        return problems
    }

    /// Any bytes as a Kubernetes manifest, a Compose file and Ansible tasks (the format chosen by the first byte,
    /// or detected), each unit linted and rendered.
    static func sources(_ bytes: [UInt8]) -> [String] {
        let formats: [SourceFormat?] = [nil, .kubernetes, .compose, .ansible]
        let format = formats[Int(bytes.first ?? 0) % formats.count]
        let units = ConfigSources(kubernetes: KubernetesVersion(1, 11 + bytes.count % 26)).parse(SourceText(path: "fuzz.yaml", bytes: bytes), as: format)
        var problems: [String] = []
        for unit in units.prefix(16) {
            problems += check(linter.lint(LintRequest(config: [unit])))
        }
        return problems
    }

    static func baseline(_ bytes: [UInt8]) -> [String] {
        guard let baseline = try? JSONDecoderBridge.baseline(bytes) else { return [] }
        let result = linter.lint([SourceText(path: "a.conf", text: "net.ipv4.tcp_tw_recycle = 1\n")])
        _ = baseline.filter(result.findings, paths: ReportPaths())
        return []
    }
}
