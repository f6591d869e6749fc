import Foundation
import Testing

/// Runs the built `sysctl-lint` binary as a user would: exit status, streams, formats, golden reports.
@Suite struct CLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sysctl-lint")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/sysctl-lint")
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env.removeValue(forKey: "GITHUB_ACTIONS")  // tests choose the format; CI may run inside GitHub Actions
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The text reports of examples/ match examples/expected/. `SYSCTL_LINT_RECORD=1 swift test` rewrites them.
    @Test(arguments: ["close-wait-folklore", "clean", "syntax-problems"])
    func exampleReportMatchesGoldenFile(_ name: String) throws {
        let result = try Self.run(["--color", "never", "examples/\(name).conf"])
        let golden = Self.packageRoot.appendingPathComponent("examples/expected/\(name).txt")
        if ProcessInfo.processInfo.environment["SYSCTL_LINT_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(result.stdout == expected)
        #expect(result.status == (name == "clean" ? 0 : 1))
        #expect(result.stderr.isEmpty)
    }

    /// The machine formats of examples/ match examples/expected/NAME.FORMAT (recorded like the text reports).
    @Test(arguments: ["close-wait-folklore", "clean", "syntax-problems"], ["gcc", "github", "sarif", "gitlab", "junit", "checkstyle"])
    func lineFormatsMatchGoldenFiles(_ name: String, _ format: String) throws {
        let result = try Self.run(["--format", format, "examples/\(name).conf"])
        let golden = Self.packageRoot.appendingPathComponent("examples/expected/\(name).\(format)")
        if ProcessInfo.processInfo.environment["SYSCTL_LINT_RECORD"] == "1" {
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(result.stdout == (try String(contentsOf: golden, encoding: .utf8)))
        #expect(result.status == (name == "clean" ? 0 : 1))
    }

    /// Fingerprints name the setting, not its line: adding lines above a finding keeps its GitLab and SARIF identity.
    @Test func fingerprintsSurviveMovedLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprints-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("99-net.conf")
        func fingerprints(_ text: String) throws -> [String] {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let report = try Self.run(["--format", "gitlab", file.path])
            let issues = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
            return issues.compactMap { $0["fingerprint"] as? String }
        }
        let before = try fingerprints("net.ipv4.tcp_retries2 = 3\nnet.ipv4.tcp_syn_retries = 1\n")
        let after = try fingerprints("# moved down\nvm.swappiness = 10\n\nnet.ipv4.tcp_retries2 = 3\nnet.ipv4.tcp_syn_retries = 1\n")
        let changed = try fingerprints("net.ipv4.tcp_retries2 = 4\nnet.ipv4.tcp_syn_retries = 1\n")
        #expect(before.count == 2 && Set(before).count == 2)
        #expect(before == after)
        #expect(changed[0] != before[0] && changed[1] == before[1])
    }

    @Test func githubFormatIsChosenInsideGitHubActions() throws {
        let inside = try Self.run(["examples/close-wait-folklore.conf"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(inside.stdout.hasPrefix("::") && inside.stdout.contains("sysctl-lint: 1 error, 6 warnings, 5 infos"))
        let explicit = try Self.run(["--format", "text", "examples/close-wait-folklore.conf"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(!explicit.stdout.contains("::warning"))
    }

    @Test func jsonReportKeepsTheContract() throws {
        let result = try Self.run(["--format", "json", "examples/close-wait-folklore.conf"])
        #expect(result.status == 1)
        let report = try Self.json(result.stdout)
        #expect(report["schema_version"] as? Int == 1)
        #expect((report["tool"] as? [String: Any])?["name"] as? String == "sysctl-lint")
        #expect(report["kernel"] as? String == "6.18")
        let findings = try #require(report["findings"] as? [[String: Any]])
        let keys: Set<String> = ["rule", "severity", "key", "value", "file", "line", "column", "message", "fix", "references"]
        for finding in findings { #expect(keys.isSubset(of: Set(finding.keys))) }
        let recycle = try #require(findings.first { $0["key"] as? String == "net.ipv4.tcp_tw_recycle" })
        #expect(recycle["severity"] as? String == "error")
        #expect(recycle["line"] as? Int == 8)
        #expect(recycle["file"] as? String == "examples/close-wait-folklore.conf")
        let computed = try #require(report["computed"] as? [[String: Any]])
        let keepalive = try #require(computed.first { $0["name"] as? String == "keepalive_dead_peer" })
        #expect(keepalive["value"] as? Double == 16)
        #expect(keepalive["unit"] as? String == "s")
        #expect(keepalive["formula"] as? String == "10 + 3 × 2")
        let inputs = try #require(keepalive["inputs"] as? [String: [String: String]])
        #expect(inputs["net.ipv4.tcp_keepalive_time"]?["source"] == "examples/close-wait-folklore.conf:3")
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary["error"] == 1 && summary["warning"] == 6 && summary["info"] == 5)
    }

    @Test func syntaxFindingWithoutKeyIsNullInJSON() throws {
        let result = try Self.run(["--format", "json", "examples/syntax-problems.conf"])
        let findings = try #require(try Self.json(result.stdout)["findings"] as? [[String: Any]])
        let invalid = try #require(findings.first { $0["rule"] as? String == "invalid-line" })
        #expect(invalid["key"] is NSNull)
        #expect(invalid["line"] as? Int == 2)
    }

    @Test func targetKernelChangesTheVerdict() throws {
        let old = try Self.run(["--kernel", "4.9", "--format", "json", "examples/close-wait-folklore.conf"])
        let findings = try #require(try Self.json(old.stdout)["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule"] as? String == "tcp-tw-recycle" })
        #expect(!findings.contains { $0["rule"] as? String == "key-not-in-kernel" })
    }

    @Test(arguments: [("error", Int32(1)), ("none", Int32(0))])
    func failLevel(_ level: String, _ status: Int32) throws {
        #expect(try Self.run(["--fail-level", level, "examples/close-wait-folklore.conf"]).status == status)
    }

    @Test func infoOnlyFindingsPassTheDefaultFailLevel() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("info-\(UUID().uuidString).conf")
        try "net.ipv4.tcp_fin_timeout = 30\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        #expect(try Self.run([path.path]).status == 0)
        #expect(try Self.run(["--fail-level", "info", path.path]).status == 1)
    }

    @Test(arguments: [
        (["--format", "xml", "examples/clean.conf"], "xml"),
        (["--kernel", "six", "examples/clean.conf"], "six"),
        (["--bogus", "examples/clean.conf"], "bogus"),
        ([String](), "file"),
    ])
    func usageErrorsExitTwo(_ arguments: [String], _ mention: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(mention))
        #expect(result.stdout.isEmpty)
    }

    @Test func unreadableInputsExitTwoAndNameTheFile() throws {
        let missing = try Self.run(["examples/does-not-exist.conf"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("examples/does-not-exist.conf") && missing.stderr.contains("no such file"))
        // A small binary file: the tool's own binary grew past the size limit, which is refused before this check.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("binary-\(UUID().uuidString).bin")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 4096)).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let binary = try Self.run([path.path])
        #expect(binary.status == 2)
        #expect(binary.stderr.contains("binary"))
    }

    @Test func brokenRuleFileExitsTwoWithPosition() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml")
        try "rules:\n  - id: x\n    when: value >\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try Self.run(["--rules", path.path, "examples/clean.conf"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path.path):2:5"))
    }

    @Test func helpAndVersionExitZero() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE"))
        let version = try Self.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }

    /// Completion scripts come from the argument parser and know the subcommands.
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(_ shell: String) throws {
        let run = try Self.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        #expect(run.stdout.contains("diff") && run.stdout.contains("explain") && run.stdout.contains("write-baseline"))
    }

    @Test func rulesMarkdownIsTheCommittedReference() throws {
        let run = try Self.run(["rules", "--format", "markdown"])
        let committed = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(run.status == 0 && run.stdout == committed)
    }

    @Test func rulesAndExplain() throws {
        let rules = try Self.run(["rules"])
        #expect(rules.status == 0 && rules.stdout.contains("tcp-tw-recycle"))
        let explain = try Self.run(["explain", "tcp-tw-recycle"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("4396e46187ca") && explain.stdout.contains("Triggers on"))
        let unknown = try Self.run(["explain", "tcp-tw-recycl"])
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean 'tcp-tw-recycle'"))
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let piped = try Self.run(["examples/close-wait-folklore.conf"])
        #expect(!piped.stdout.contains("\u{1B}["))
        let forced = try Self.run(["--color", "always", "examples/close-wait-folklore.conf"])
        #expect(forced.stdout.contains("\u{1B}["))
    }

    @Test func timeoutsShowsSchedules() throws {
        let result = try Self.run(["timeouts", "examples/close-wait-folklore.conf"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("retransmissions at 1, 2 s"))
    }

    @Test func rootTreeFollowsTheLoader() throws {
        let systemd = try Self.json(try Self.run(["--format", "json", "--fail-level", "none", "--root", "examples/tree"]).stdout)
        let rules = Set((systemd["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        #expect(rules.isSuperset(of: ["sysctl-conf-ignored", "tree-masked-file", "tree-shadowed-file", "glob-overridden-by-key"]))
        let files = systemd["files"] as? [String] ?? []
        #expect(files == ["examples/tree/usr/lib/sysctl.d/50-default.conf", "examples/tree/etc/sysctl.d/90-app.conf"])
        let procps = try Self.json(try Self.run(["--format", "json", "--fail-level", "none", "--root", "examples/tree", "--loader", "procps"]).stdout)
        #expect((procps["files"] as? [String])?.last == "examples/tree/etc/sysctl.conf")
        let missing = try Self.run(["--root", "examples/no-such-root"])
        #expect(missing.status == 2 && missing.stderr.contains("examples/no-such-root"))
    }

    @Test func snapshotSetsTheKernelAndDriftIsReported() throws {
        let run = try Self.run(["--format", "json", "--root", "examples/tree", "--snapshot", "examples/running.txt"])
        #expect(run.status == 1)
        let report = try Self.json(run.stdout)
        #expect(report["kernel"] as? String == "6.8" && report["kernel_source"] as? String == "snapshot")
        #expect(report["evaluated_state"] as? String == "config")
        let drift = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "drift-value" }
        #expect(Set(drift.compactMap { $0["key"] as? String }) == ["kernel.sysrq", "net.core.somaxconn"])
        let runtime = try Self.json(try Self.run(["--format", "json", "--fail-level", "none", "--root", "examples/tree",
                                                  "--snapshot", "examples/running.txt", "--evaluate", "runtime"]).stdout)
        #expect(runtime["evaluated_state"] as? String == "runtime")
        let chosen = try Self.run(["--format", "json", "--fail-level", "none", "--kernel", "5.4", "--snapshot", "examples/running.txt"])
        #expect(try Self.json(chosen.stdout)["kernel"] as? String == "5.4", "--kernel wins over kernel.osrelease")
    }

    @Test func snapshotFromStandardInput() throws {
        let text = "kernel.osrelease = 4.9.0-3-amd64\nnet.ipv4.tcp_tw_recycle = 1\n"
        let run = try Self.run(["--format", "json", "--snapshot", "-"], stdin: text)
        let report = try Self.json(run.stdout)
        #expect(report["kernel"] as? String == "4.9")
        #expect((report["findings"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "tcp-tw-recycle" })
    }

    @Test func fleetExportGroupsByHost() throws {
        let run = try Self.run(["--format", "json", "--snapshot", "examples/fleet-osquery.log"])
        #expect(run.status == 1)
        let report = try Self.json(run.stdout)
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(!findings.isEmpty && findings.allSatisfy { $0["host"] is String })
        #expect(report["hosts"] as? Int == 3)
        let hazards = report["hazards"] as? [[String: Any]] ?? []
        #expect(hazards.first { $0["rule"] as? String == "tcp-retries2-low" }?["hosts"] as? Int == 2)
        let text = try Self.run(["--snapshot", "examples/fleet-osquery.log"]).stdout
        #expect(text.contains("== web-02 (Linux 6.8)") && text.contains("Hazards across 3 hosts"))
    }

    @Test func liveReadsThisMachine() throws {
        guard FileManager.default.fileExists(atPath: "/proc/sys/kernel/osrelease") else { return }
        let run = try Self.run(["--format", "json", "--fail-level", "none", "--live"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.json(run.stdout)["kernel_source"] as? String == "snapshot")
    }
}
