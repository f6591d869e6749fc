import Foundation
import Testing

/// The project file, `init`, baselines and inline suppressions, as a user meets them: in a repository folder.
@Suite struct ProjectTests {
    /// A throw-away repository with one config file; removed when the test ends.
    final class Repository {
        let root: URL
        init(conf: String) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-lint-project-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/sysctl.d"), withIntermediateDirectories: true)
            try write("etc/sysctl.d/99-tune.conf", conf)
        }
        deinit { try? FileManager.default.removeItem(at: root) }
        func write(_ path: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
        var conf: String { path("etc/sysctl.d/99-tune.conf") }
    }

    static let tuned = "net.ipv4.tcp_retries2 = 3\nnet.ipv4.tcp_syn_retries = 1\nnet.ipv4.tcp_tw_reuse = 1\n"

    static func rules(_ run: CLITests.Run) throws -> [String] {
        let report = try CLITests.json(run.stdout)
        return (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    @Test func projectFileIsFoundUpwardAndApplied() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write(".sysctl-lint.yaml", """
            fail-level: error
            ignore: [tcp-syn]
            severity:
              tcp-tw-reuse-scope: warning
            """)
        let run = try CLITests.run(["--format", "json", repo.conf])
        #expect(run.status == 0)  // warnings only, and the project fails on errors
        let report = try CLITests.json(run.stdout)
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(!findings.contains { $0["rule"] as? String == "tcp-syn-retries-low" })
        #expect(findings.contains { $0["rule"] as? String == "tcp-tw-reuse-scope" && $0["severity"] as? String == "warning" })
        // The command line wins over the file; --no-config ignores it.
        #expect(try CLITests.run(["--fail-level", "warning", repo.conf]).status == 1)
        #expect(try Self.rules(CLITests.run(["--no-config", "--format", "json", repo.conf])).contains("tcp-syn-retries-low"))
    }

    /// A project file in a folder anyone can write to could silence every finding for other users: it is found
    /// but not applied, with a warning, unless named with --config.
    @Test func aProjectFileInAWorldWritableFolderIsNotApplied() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write(".sysctl-lint.yaml", "ignore: [all]\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: repo.root.path)
        let run = try CLITests.run(["--format", "json", repo.conf])
        #expect(run.stderr.contains("warning: not applying \(repo.path(".sysctl-lint.yaml")): its folder"), "\(run.stderr)")
        #expect(try Self.rules(run).contains("tcp-retries2-low"))
        let named = try CLITests.run(["--format", "json", "--config", repo.path(".sysctl-lint.yaml"), repo.conf])
        #expect(try Self.rules(named).isEmpty)
    }

    /// `rules:` reads only inside the repository, and a file that is not a rule file is not quoted back.
    @Test(arguments: ["/etc/passwd", "../outside.yaml", "link.yaml"])
    func projectRulePathsStayInsideTheRepository(path: String) throws {
        let repo = try Repository(conf: Self.tuned)
        let outside = repo.root.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString).yaml")
        try "aws_secret_access_key: hunter2\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: repo.path("link.yaml"), withDestinationPath: outside.path)
        let target = path == "../outside.yaml" ? "../" + outside.lastPathComponent : path
        try repo.write(".sysctl-lint.yaml", "rules: [\"\(target)\"]\n")
        let run = try CLITests.run([repo.conf])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is outside this repository"), "\(run.stderr)")
        #expect(!run.stderr.contains("aws_secret") && !run.stderr.contains("root:"))
    }

    /// A folder named in `rules:` is inside the repository, but a link in it may not be.
    @Test func aLinkInsideARulesFolderCannotLeadOut() throws {
        let repo = try Repository(conf: Self.tuned)
        let outside = repo.root.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString).yaml")
        try "aws_secret_access_key: hunter2\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createDirectory(atPath: repo.path("lint-rules"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.path("lint-rules/a.yaml"), withDestinationPath: outside.path)
        try repo.write(".sysctl-lint.yaml", "rules: [lint-rules]\n")
        let run = try CLITests.run([repo.conf])
        #expect(run.status == 2)
        #expect(run.stderr.contains("leads outside the project's repository"), "\(run.stderr)")
        #expect(!run.stderr.contains("aws_secret"))
    }

    /// A project file that is a link (a shared one kept elsewhere in the repository) is judged by its target,
    /// not by the link's own mode, which is always writable by all.
    @Test func aLinkedProjectFileIsApplied() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write("shared-lint.yaml", "ignore: [all]\n")
        try FileManager.default.createSymbolicLink(atPath: repo.path(".sysctl-lint.yaml"), withDestinationPath: repo.path("shared-lint.yaml"))
        let run = try CLITests.run(["--format", "json", repo.conf])
        #expect(!run.stderr.contains("not applying"), "\(run.stderr)")
        #expect(try Self.rules(run).isEmpty)
    }

    @Test func aFileThatIsNotARuleFileIsNotQuoted() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write("creds.yaml", "aws_secret_access_key: hunter2\n")
        let run = try CLITests.run(["--rules", repo.path("creds.yaml"), repo.conf])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a rule file"), "\(run.stderr)")
        #expect(!run.stderr.contains("aws_secret"))
    }

    @Test func perPathIgnoresMatchRelativeToTheProjectFile() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write(".sysctl-lint.yaml", "per-path-ignores:\n  \"etc/**/99-*.conf\": [tcp-retries2-low]\n  \"other/*.conf\": [tcp-syn-retries-low]\n")
        let rules = try Self.rules(CLITests.run(["--format", "json", repo.conf]))
        #expect(!rules.contains("tcp-retries2-low") && rules.contains("tcp-syn-retries-low"))
    }

    @Test(arguments: [
        ("fail-levl: error\n", ":1:1: error: unknown field 'fail-levl' in the project file (did you mean 'fail-level'?)"),
        ("ignore:\n  - tcp-retries-low\n", ":2:5: error: 'tcp-retries-low' names no rule (did you mean 'tcp-retries2-low'?)"),
        ("loader: sytemd\n", ":1:9: error: loader: 'sytemd' is not one of systemd, procps (did you mean 'systemd'?)"),
        ("kernel: banana\n", ":1:9: error: kernel: 'banana' is not a version"),
        ("severity: [a]\n", ":1:11: error: severity must map rules to error, warning or info"),
        ("ignore: [unclosed\n", ":2:1: error: invalid YAML"),
    ])
    func brokenProjectFilesExitTwoWithPosition(_ text: String, _ expected: String) throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write(".sysctl-lint.yaml", text)
        let run = try CLITests.run([repo.conf])
        #expect(run.status == 2)
        #expect(run.stderr.contains(".sysctl-lint.yaml" + expected), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func explicitConfigAndExtraRuleFolders() throws {
        let repo = try Repository(conf: "vm.swappiness = 100\n")
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("policy/rules"), withIntermediateDirectories: true)
        try repo.write("policy/rules/site.yaml", """
            rules:
              - id: site-swappiness
                title: Swappiness above the site limit
                severity: error
                keys: vm.swappiness
                when: value > 60
                message: swappiness {value} is above the site limit of 60
                fix: use 60 or less
                rationale: Site policy.
                references: ["site runbook"]
                examples:
                  trigger: ["vm.swappiness = 100"]
                  pass: ["vm.swappiness = 10"]
            """)
        try repo.write("policy/lint.yaml", "rules: [rules]\nselect: [site]\n")
        let run = try CLITests.run(["--config", repo.path("policy/lint.yaml"), "--format", "json", repo.conf])
        #expect(try Self.rules(run) == ["site-swappiness"])
        #expect(run.status == 1)
    }

    @Test func initWritesAStarterThatLoadsAndRefusesToOverwrite() throws {
        let repo = try Repository(conf: Self.tuned)
        let first = try CLITests.run(["init", repo.root.path])
        #expect(first.status == 0)
        let starter = try String(contentsOfFile: repo.path(".sysctl-lint.yaml"), encoding: .utf8)
        #expect(starter.contains("# fail-level: warning"))
        #expect(try CLITests.run([repo.conf]).status == 1)  // all commented out: defaults apply
        let second = try CLITests.run(["init", repo.root.path])
        #expect(second.status == 2 && second.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: repo.path(".sysctl-lint.yaml"), encoding: .utf8) == starter)
    }

    /// In a working directory that was deleted, `init` and `--write-baseline` with relative paths say so, and a lint
    /// of an absolute path still runs.
    @Test func aDeletedWorkingDirectoryIsSaidPlainly() throws {
        let repo = try Repository(conf: Self.tuned)
        let gone = repo.path("gone")
        try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: true)
        func runInGone(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "cd \"$1\" && rmdir \"$1\" && shift && exec \"$@\"", "sh", gone, CLITests.binary.path] + arguments
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: true)  // for the next run
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let starter = try runInGone(["init"])
        #expect(starter.status == 2 && starter.stderr.contains("./.sysctl-lint.yaml: cannot write: the working directory no longer exists"), "\(starter.stderr)")
        let baseline = try runInGone(["--no-config", "--write-baseline", "b.json", repo.conf])
        #expect(baseline.status == 2 && baseline.stderr.contains("b.json: cannot write the baseline: the working directory no longer exists"), "\(baseline.stderr)")
        #expect(try runInGone(["--no-config", repo.conf]).status == 1)
    }

    @Test func baselineRoundTripSurvivesMovedLinesAndCatchesNewFindings() throws {
        let repo = try Repository(conf: Self.tuned)
        let baseline = repo.path("sysctl-lint-baseline.json")
        let write = try CLITests.run(["--write-baseline", baseline, repo.conf])
        #expect(write.status == 0 && write.stderr.contains("wrote 3 findings"))
        let saved = try String(contentsOfFile: baseline, encoding: .utf8)
        #expect(saved.contains("\"file\" : \"etc/sysctl.d/99-tune.conf\""))  // relative to the baseline's folder
        #expect(!saved.contains("\"line\""))

        try repo.write("etc/sysctl.d/99-tune.conf", "# a header\nvm.swappiness = 10\n\n" + Self.tuned)
        let moved = try CLITests.run(["--baseline", baseline, "--format", "json", repo.conf])
        #expect(moved.status == 0)
        let report = try CLITests.json(moved.stdout)
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        #expect(report["baseline"] as? [String: Int] == ["matched": 3, "fixed": 0])

        try repo.write("etc/sysctl.d/99-tune.conf", "net.ipv4.tcp_retries2 = 2\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_synack_retries = 1\n")
        let changed = try CLITests.run(["--baseline", baseline, repo.conf])
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("[tcp-retries2-low]") && changed.stdout.contains("[tcp-synack-retries-low]"))
        #expect(changed.stdout.contains("1 in the baseline, 2 baselined findings no longer found"))
    }

    @Test func brokenBaselineExitsTwo() throws {
        let repo = try Repository(conf: Self.tuned)
        try repo.write("b.json", "{\"version\": 7, \"tool\": \"sysctl-lint\", \"findings\": []}")
        let run = try CLITests.run(["--baseline", repo.path("b.json"), repo.conf])
        #expect(run.status == 2 && run.stderr.contains("baseline version 7 is not supported"))
    }

    @Test func suppressionsInAFile() throws {
        let repo = try Repository(conf: """
            # sysctl-lint: disable=tcp-retries2-low -- failover cluster, outages of 4 s measured
            net.ipv4.tcp_retries2 = 5
            # sysctl-lint: disable=tcp-syn-retries-low
            net.ipv4.tcp_syn_retries = 1
            """)
        let run = try CLITests.run(["--format", "json", repo.conf])
        #expect(try Self.rules(run) == ["suppression-without-reason"])
        #expect(try CLITests.json(run.stdout)["suppressed"] as? Int == 2)
        #expect(run.status == 1)
    }
}
