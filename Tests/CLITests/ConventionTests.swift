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

    @Test func junitNamesCarryNoLineNumbers() throws {
        let run = try CLITests.run(["--format", "junit", "examples/close-wait-folklore.conf"])
        #expect(run.stdout.contains("name=\"tcp-retries2-low net.ipv4.tcp_retries2\""))
        #expect(!run.stdout.contains("name=\"tcp-retries2-low net.ipv4.tcp_retries2 (line"))
    }

    @Test func fifoIsRefused() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let run = try CLITests.run([fifo])
        #expect(run.status == 2 && run.stderr.contains("is not a regular file"))
    }
}
