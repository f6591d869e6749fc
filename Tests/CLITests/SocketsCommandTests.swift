import Foundation
import Testing

/// `sysctl-lint sockets` and evidence on `check` findings, as a user runs them on saved evidence.
@Suite struct SocketsCommandTests {
    static let fixture = "Tests/Fixtures/evidence/loopback-6.18"

    @Test func savedEvidenceInText() throws {
        let run = try CLITests.run(["sockets", "--evidence", Self.fixture])
        #expect(run.status == 1, "the full accept queue is a warning: \(run.stderr)")
        #expect(run.stdout.contains("CLOSE_WAIT by holder and local port:"))
        #expect(run.stdout.contains("127.0.0.1:18092        python3 (pid 16440)      queue 2/1"))
        #expect(run.stdout.contains("[sockets-accept-queue]"))
        #expect(run.stdout.contains("No sysctl ends a CLOSE_WAIT whose peer is alive"))
        #expect(try CLITests.run(["sockets", "--evidence", Self.fixture, "--fail-level", "none"]).status == 0)
    }

    @Test func savedEvidenceInJSON() throws {
        let run = try CLITests.run(["sockets", "--evidence", Self.fixture, "--format", "json", "--fail-level", "none"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try CLITests.json(run.stdout)
        let census = try #require(report["census"] as? [String: Any])
        #expect((census["states"] as? [String: Int])?["CLOSE_WAIT"] == 3)
        let listeners = census["listeners"] as? [[String: Any]] ?? []
        #expect(listeners.contains { $0["port"] as? Int == 18092 && $0["accept_queue"] as? Int == 2 && $0["backlog"] as? Int == 1 })
        #expect((report["counters"] as? [String: [String: Int]])?["TcpExtListenOverflows"]?["since_boot"] == 24)
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "sockets-close-wait" })
        #expect(report["kernel"] as? String == "6.18.44")
    }

    @Test func checkFindingsCarryEvidence() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sockets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let conf = folder.appendingPathComponent("s.conf")
        try "net.core.somaxconn = 128\nnet.ipv4.tcp_syncookies = 0\nvm.swappiness = 10\n".write(to: conf, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["--format", "json", "--no-config", "--evidence", Self.fixture, conf.path])
        let findings = try CLITests.json(run.stdout)["findings"] as? [[String: Any]] ?? []
        let somaxconn = try #require(findings.first { $0["rule"] as? String == "somaxconn-low" })
        let evidence = try #require(somaxconn["evidence"] as? [String: Any])
        #expect(evidence["status"] as? String == "confirmed")
        #expect((evidence["counters"] as? [String: [String: Int]])?["TcpExtListenOverflows"]?["since_boot"] == 24)
        let cookies = try #require(findings.first { $0["rule"] as? String == "tcp-syncookies-off" })
        #expect((cookies["evidence"] as? [String: Any])?["status"] as? String == "contradicted", "no SYN was dropped with a full queue")
        #expect(findings.allSatisfy { $0["rule"] as? String != "vm-swappiness" || $0["evidence"] == nil })
        let text = try CLITests.run(["--no-config", "--evidence", Self.fixture, conf.path])
        #expect(text.stdout.contains("    evidence: confirmed: TcpExtListenOverflows 24 since boot"))
    }

    @Test func badEvidenceExitsTwo() throws {
        let run = try CLITests.run(["sockets", "--evidence", "examples/clean.conf"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("holds none of the evidence files"), "\(run.stderr)")
        #expect(try CLITests.run(["sockets", "--evidence", "/nonexistent"]).status == 2)
        #expect(try CLITests.run(["sockets", "--interval", "0"]).status == 2)
        #expect(try CLITests.run(["sockets", "--interval", "5", "--evidence", Self.fixture]).status == 2)
    }

    /// Process names and file names from saved evidence reach the terminal escaped.
    @Test func evidenceTextIsEscaped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sockets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
            LISTEN     0      5          127.0.0.1:18090      0.0.0.0:*     users:(("\u{1B}]0;owned\u{07}\r::error::x",pid=1,fd=3))
            CLOSE-WAIT 1      0          127.0.0.1:18090    127.0.0.1:59796 users:(("\u{1B}]0;owned\u{07}\r::error::x",pid=1,fd=6))
            \u{1B}[2J garbage
            """.write(to: folder.appendingPathComponent("ss.txt"), atomically: true, encoding: .utf8)
        let run = try CLITests.run(["sockets", "--evidence", folder.path])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        HostileInputTests.expectSafe(run.stdout, "sockets text")
        #expect(run.stdout.contains("\\x1b]0;owned"))
    }
}
