import Foundation
import Testing

/// The conventions users bring from other linters: stdin, selection, quiet, output files, statistics.
@Suite struct ConventionTests {
    @Test func dashReadsStandardInputUnderAName() throws {
        let run = try CLITests.run(["--stdin-filename", "etc/sysctl.d/60.conf", "-"], stdin: "net.ipv4.tcp_retries2 = 3\n")
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("etc/sysctl.d/60.conf:1:1: warning: tcp_retries2 = 3"))
        #expect(try CLITests.run(["-"], stdin: "net.ipv4.tcp_retries2 = 3\n").stdout.hasPrefix("<stdin>:1:1: warning:"))
    }

    @Test(arguments: [
        (["--select", "tcp-retries2-low"], ["tcp-retries2-low"]),
        (["--select", "tcp-retries2-low,tcp-syn-retries-low"], ["tcp-retries2-low", "tcp-syn-retries-low"]),
        (["--select", "tcp-retries2-low", "--extend-select", "tcp-syn-retries-low"], ["tcp-retries2-low", "tcp-syn-retries-low"]),
        (["--select", "tcp-keepalive", "--ignore", "tcp-keepalive-time-short"], []),
    ])
    func selection(_ options: [String], _ rules: [String]) throws {
        let run = try CLITests.run(options + ["--format", "json", "examples/close-wait-folklore.conf"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let fired = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(Set(fired) == Set(rules))
    }

    @Test func unknownSelectorExitsTwo() throws {
        let run = try CLITests.run(["--ignore", "tcp-retries2-lo", "examples/clean.conf"])
        #expect(run.status == 2 && run.stderr.contains("did you mean 'tcp-retries2-low'"))
    }

    @Test func quietPrintsFindingsOnly() throws {
        let run = try CLITests.run(["--quiet", "examples/close-wait-folklore.conf"])
        #expect(run.stdout.contains("[tcp-retries2-low]") && !run.stdout.contains("Computed for") && !run.stdout.contains("checked:"))
    }

    @Test func statisticsCountPerRule() throws {
        let run = try CLITests.run(["--statistics", "examples/close-wait-folklore.conf"])
        #expect(run.stdout.contains("1  tcp-retries2-low") && run.stdout.hasSuffix("12 findings\n"))
        #expect(run.status == 1, "the exit status still follows the findings")
    }

    @Test func outputFileIsWrittenAndNeverAnInput() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try CLITests.run(["--format", "json", "--output-file", out.path, "examples/clean.conf"])
        #expect(run.status == 0 && run.stdout.isEmpty)
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) is [String: Any])
        let refused = try CLITests.run(["--output-file", "examples/clean.conf", "examples/clean.conf"])
        #expect(refused.status == 2 && refused.stderr.contains("never writes to what it reads"))
    }

    /// A link is followed (it keeps naming the report), a device is written in place (run as root, renaming over
    /// /dev/null replaced the device with a file), and a run that fails leaves no temporary file behind.
    @Test func outputFileFollowsLinksSparesDevicesAndLeavesNothingOnFailure() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("report.txt"), link = folder.appendingPathComponent("latest.txt")
        try Data("old".utf8).write(to: real)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "report.txt")
        let linked = try CLITests.run(["--fail-level", "none", "--output-file", link.path, "examples/close-wait-folklore.conf"])
        #expect(linked.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "report.txt")
        #expect(try String(contentsOf: real, encoding: .utf8).contains("tcp-retries2-low"))

        let device = try CLITests.run(["--output-file", "/dev/null", "examples/clean.conf"])
        #expect(device.status == 0)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)

        let failed = try CLITests.run(["--output-file", folder.appendingPathComponent("new.txt").path, "examples/missing.conf"])
        #expect(failed.status == 2)
        for name in [folder.path + "/new.txt/", ""] {
            let refused = try CLITests.run(["--output-file", name, "examples/clean.conf"])
            #expect(refused.status == 2 && refused.stderr.contains("needs the name of a file"), "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["latest.txt", "report.txt"])
    }

    @Test func junitNamesCarryNoLineNumbers() throws {
        let run = try CLITests.run(["--format", "junit", "examples/close-wait-folklore.conf"])
        #expect(run.stdout.contains("name=\"tcp-retries2-low net.ipv4.tcp_retries2\""))
        #expect(!run.stdout.contains("name=\"tcp-retries2-low net.ipv4.tcp_retries2 (line"))
    }

    @Test func noProgressOnAPipe() throws {
        let run = try CLITests.run(["--format", "json", "--snapshot", "examples/fleet-osquery.log"])
        #expect(run.stderr.isEmpty, "progress is for terminals only")
        #expect(run.status == 1)
    }

    @Test func fifoIsRefused() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let run = try CLITests.run([fifo])
        #expect(run.status == 2 && run.stderr.contains("is not a regular file"))
    }
}

/// Completions and the review recipe the README gives.
@Suite struct ShellTests {
    @Test func explainCompletesRuleIds() throws {
        let run = try CLITests.run(["---completion", "explain", "--", "positional@0", "1", "6", "explain", "tcp-re"])
        #expect(run.stdout.split(separator: "\n") == ["tcp-retries1-above-retries2", "tcp-retries2-low"])
        let bash = try CLITests.run(["--generate-completion-script", "bash"]).stdout
        for option in ["--select", "--stack", "--stdin-filename", "--output-file", "--all-figures"] {
            #expect(bash.contains(option), "\(option)")
        }
    }

    static func git(_ arguments: [String], in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `git difftool --trust-exit-code` keeps the review's exit status, so a job fails on an introduced finding.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/git")))
    func difftoolRecipeFailsOnIntroducedFindings() throws {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repo) }
        let file = repo.appendingPathComponent("60-net.conf")
        try Data("net.ipv4.tcp_retries2 = 15\n".utf8).write(to: file)
        #expect(try Self.git(["init", "-q"], in: repo) == 0)
        #expect(try Self.git(["add", "."], in: repo) == 0)
        #expect(try Self.git(["commit", "-qm", "base"], in: repo) == 0)
        let tool = "'\(CLITests.binary.path)' diff"
        try Data("net.ipv4.tcp_retries2 = 12\n".utf8).write(to: file)
        #expect(try Self.git(["difftool", "--trust-exit-code", "-y", "-x", tool, "--", "*.conf"], in: repo) == 0)
        try Data("net.ipv4.tcp_retries2 = 3\n".utf8).write(to: file)
        // git reports a tool that exits non-zero as "external diff died" and exits 128: the job fails.
        #expect(try Self.git(["difftool", "--trust-exit-code", "-y", "-x", tool, "--", "*.conf"], in: repo) != 0)
        #expect(try Self.git(["difftool", "-y", "-x", tool, "--", "*.conf"], in: repo) == 0, "without the flag git drops the status")
    }
}
