import Foundation
import Testing
@testable import SysctlLint

/// The socket census and counters: parsers on files saved from a real host (Tests/Fixtures/evidence, written on a
/// 6.18 host with a loopback scenario: a server that never closes, a client that closes first, a listener that is
/// never accepted from), real sockets made here on loopback, and hostile input.
@Suite struct EvidenceTests {
    static let fixture = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/evidence/loopback-6.18").path

    @Test func procNetTCPLinesDecode() throws {
        let listener = try #require(ProcNetTCPReader.socket(ArraySlice("   2: 0100007F:46AC 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 62460 3 0000000030b 100 0 0 10 0".utf8)))
        #expect(listener.state == .listen && listener.local.description == "127.0.0.1:18092" && listener.receiveQueue == 2 && listener.inode == 62460)
        let timeWait = try #require(ProcNetTCPReader.socket(ArraySlice("   9: 0100007F:8C2C 0100007F:46AB 06 00000000:00000000 03:000016E6 00000000     0        0 0 3 00000000acfea48".utf8)))
        #expect(timeWait.state == .timeWait && timeWait.timer == .timeWait && timeWait.timerTicks == 0x16E6 && timeWait.remote.port == 18091)
        let synSent = try #require(ProcNetTCPReader.socket(ArraySlice("   7: 0100007F:BD24 0100007F:46AC 02 00000001:00000000 01:00000045 00000001     0        0 62463 2 000000007c1".utf8)))
        #expect(synSent.timer == .retransmit && synSent.retransmits == 1 && synSent.sendQueue == 1)
        // ::1 and ::ffff:127.0.0.1 as tcp6 prints them: each 32-bit word in host order.
        let v6 = try #require(ProcNetTCPReader.endpoint(ArraySlice("00000000000000000000000001000000:46AB".utf8)))
        #expect(v6.description == "[::1]:18091")
        let mapped = try #require(ProcNetTCPReader.endpoint(ArraySlice("0000000000000000FFFF00000100007F:0050".utf8)))
        #expect(mapped.address.description == "::ffff:127.0.0.1")
    }

    @Test(arguments: ["   0: 0100007F:46AA 000000", "   0: 0100007F:46AA 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 1",
                      "   0: 0100007F:FFFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
                      "   0: 0100007F:46AA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 99999999999999999999", ""])
    func brokenProcLinesAreRefused(line: String) {
        #expect(ProcNetTCPReader.socket(ArraySlice(line.utf8)) == nil)
    }

    @Test func savedFolderFromARealHost() throws {
        let evidence = try EvidenceCollector.saved(Self.fixture)
        #expect(evidence.backlogsKnown, "the ss listing is read, with backlogs")
        #expect(evidence.notes.contains { $0.message.contains("lists the same sockets with more detail") }, "the /proc copies are not counted twice")
        #expect(evidence.counters["TcpExtListenOverflows"] == 24 && evidence.counters["TcpActiveOpens"] == 38)
        #expect(evidence.fileHandles?.maximum == 2466170)
        #expect(evidence.settings["net.ipv4.ip_local_port_range"] == "32768\t60999")
        let census = SocketCensus(evidence.sockets, backlogsKnown: evidence.backlogsKnown)
        #expect(census.byState[.closeWait] == 3 && census.byState[.listen] == 4)
        let full = try #require(census.listeners.first { $0.endpoint.port == 18092 })
        #expect(full.acceptQueue == 2 && full.backlog == 1 && full.process?.command == "python3")
        #expect(census.closeWait.first?.process == ProcessName(pid: 16440, command: "python3"))
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: Fixtures.knowledge)
        #expect(verdicts.model.kernel.description == "6.18.44", "the kernel is the host's, from its sysctl -a")
        #expect(verdicts.findings.contains { $0.rule == "sockets-accept-queue" && $0.severity == .warning && $0.message.contains("ListenOverflows 24") })
        #expect(verdicts.findings.contains { $0.rule == "sockets-close-wait" && $0.message.contains("python3 (pid 16440)") })
    }

    @Test func procCopiesAloneGiveTheSameCensusWithoutBacklogs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["tcp", "tcp6", "netstat", "snmp"] {
            try FileManager.default.copyItem(atPath: Self.fixture + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        let evidence = try EvidenceCollector.saved(folder.path)
        let census = SocketCensus(evidence.sockets, backlogsKnown: evidence.backlogsKnown)
        #expect(!evidence.backlogsKnown && census.listeners.allSatisfy { $0.backlog == nil })
        #expect(census.byState[.closeWait] == 3 && census.byState[.timeWait] == 8 && census.byState[.finWait2] == 3)
        #expect(census.listeners.first { $0.endpoint.port == 18092 }?.acceptQueue == 2)
    }

    /// A sosreport's `netstat -W -neopa`, saved on the same kind of host.
    @Test func netstatOutputFromARealHost() throws {
        let evidence = try EvidenceCollector.saved(Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/evidence/netstat-6.18").path)
        #expect(evidence.processesKnown && !evidence.backlogsKnown)
        let census = SocketCensus(evidence.sockets)
        #expect(census.byState[.closeWait] == 3 && census.byState[.timeWait] == 5 && census.byState[.listen] == 4)
        #expect(evidence.sockets.count == 21, "tcp rows only: udp and unix rows are skipped")
        #expect(census.closeWait.first?.process == ProcessName(pid: 22223, command: "python3"))
        let synSent = try #require(evidence.sockets.first { $0.state == .synSent })
        #expect(synSent.timer == .retransmit && synSent.retransmits == 1 && synSent.timerTicks == 84)
        #expect(evidence.sockets.first { $0.state == .timeWait }?.timer == .timeWait)
        #expect(census.listeners.first { $0.endpoint.port == 18092 }?.acceptQueue == 2)
    }

    @Test func countersInEveryForm() {
        var evidence = Evidence(source: "t")
        let pairs = CounterReader.counters(in: "TcpExt: SyncookiesSent ListenOverflows\nTcpExt: 3 7\nTcp: RtoAlgorithm MaxConn AttemptFails\nTcp: 1 -1 5\n", source: "netstat", evidence: &evidence)
        #expect(pairs == ["TcpExtSyncookiesSent": 3, "TcpExtListenOverflows": 7, "TcpRtoAlgorithm": 1, "TcpMaxConn": -1, "TcpAttemptFails": 5])
        #expect(CounterReader.counters(in: #"{"kernel":{"TcpExtListenOverflows":12,"TcpAttemptFails":0}}"#, source: "n.json", evidence: &evidence)
                == ["TcpExtListenOverflows": 12, "TcpAttemptFails": 0])
        #expect(CounterReader.counters(in: "#kernel\nTcpExtListenOverflows           12                 0.0\nTcpExtTW 11 0.0\n", source: "nstat", evidence: &evidence)
                == ["TcpExtListenOverflows": 12, "TcpExtTW": 11])
        #expect(CounterReader.counters(in: "TcpExt: A B\nTcpExt: 1\n", source: "bad", evidence: &evidence)?.isEmpty == true)
        #expect(evidence.notes.count == 1, "a header without its values is noted")
        #expect(CounterReader.counters(in: "{\"kernel\": [1,", source: "x.json", evidence: &evidence) == nil)
    }

    @Test func readingsSayWhatTheyCount() {
        var evidence = Evidence(source: "t")
        evidence.counters = ["TcpExtListenOverflows": 10]
        evidence.uptime = 3 * 86_400 + 5
        #expect(evidence.counter("TcpExtListenOverflows")?.described(uptime: evidence.uptime) == "TcpExtListenOverflows 10 since boot (up 3 days)")
        evidence.laterCounters = ["TcpExtListenOverflows": 22]
        evidence.interval = 4
        let reading = evidence.counter("TcpExtListenOverflows")
        #expect(reading?.delta == 12 && reading?.observed == 12)
        #expect(reading?.described(uptime: nil) == "TcpExtListenOverflows +12 in 4 s (3/s)")
    }

    @Test func evidenceConfirmsOrClearsFindings() {
        let finding = Finding(rule: "somaxconn-low", severity: .warning, location: nil, message: "m")
        var evidence = Evidence(source: "t")
        #expect(EvidenceCatalogue.evidence(for: finding, in: evidence)?.status == .noEvidence)
        evidence.counters = ["TcpExtListenOverflows": 0]
        #expect(EvidenceCatalogue.evidence(for: finding, in: evidence)?.status == .contradicted)
        evidence.counters = ["TcpExtListenOverflows": 3]
        #expect(EvidenceCatalogue.evidence(for: finding, in: evidence)?.status == .confirmed)
        let recycle = Finding(rule: "tcp-tw-recycle", severity: .error, location: nil, message: "m")
        let gone = EvidenceCatalogue.evidence(for: recycle, in: evidence)
        #expect(gone?.status == .noEvidence && gone?.summary.contains("4.12") == true, "PAWSPassive left with tw_recycle")
        #expect(EvidenceCatalogue.evidence(for: Finding(rule: "vm-anything", severity: .info, location: nil, message: "m"), in: evidence) == nil)
    }

    @Test func ssLinesInEveryShape() throws {
        #expect(SSReader.endpoint(ArraySlice("[::1]:443".utf8))?.description == "[::1]:443")
        #expect(SSReader.endpoint(ArraySlice("*:22".utf8))?.port == 22)
        #expect(SSReader.endpoint(ArraySlice("10.0.0.1%eth0:53".utf8))?.description == "10.0.0.1:53")
        #expect(SSReader.endpoint(ArraySlice("localhost:ssh".utf8)) == nil)
        #expect(SSReader.process(#"nginx",pid=812,fd=6),("nginx",pid=813,fd=6))"#) == ProcessName(pid: 812, command: "nginx"))
        let text = """
            Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
            udp   UNCONN 0      0          0.0.0.0:68      0.0.0.0:*
            tcp   ESTAB  0      0         10.0.0.7:22     10.0.0.9:50000 users:(("sshd",pid=700,fd=4)) timer:(keepalive,119min,0) ino:123 sk:1
            \t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0)
            tcp   ESTAB  0      0        localhost:ssh    10.0.0.9:50001
            """
        var evidence = Evidence(source: "ss")
        SSReader().read(try RuntimeTests.stream(text), source: "ss", into: &evidence)
        #expect(evidence.sockets.count == 1)
        let socket = try #require(evidence.sockets.first)
        #expect(socket.timer == .keepalive && socket.timerTicks == 119 * 60 * 100 && socket.inode == 123 && socket.process?.pid == 700)
        #expect(evidence.notes.count == 1 && evidence.notes[0].location?.line == 5, "the row with names instead of numbers")
    }

    /// 100,000 sockets read in flat memory and linear time (no test times it: the bound is the reader's design,
    /// exercised here), and a table past the limit stops with a note.
    @Test func largeTablesAreBounded() throws {
        var lines = ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"]
        for index in 0..<100_000 {
            lines.append(String(format: "%6d: 0700000A:%04X 0500000A:0CEA 06 00000000:00000000 03:00001700 00000000     0        0 0 3 0", index, 1024 + index % 60000))
        }
        var evidence = Evidence(source: "big")
        ProcNetTCPReader().read(try RuntimeTests.stream(lines.joined(separator: "\n")), source: "tcp", into: &evidence)
        #expect(evidence.sockets.count == 100_000 && evidence.notes.isEmpty)
        let census = SocketCensus(evidence.sockets)
        #expect(census.clientTimeWait.first?.count == 100_000 && census.clientTimeWait.first?.endpoint.description == "10.0.0.5:3306")
        var capped = Evidence(source: "big")
        capped.sockets = Array(repeating: evidence.sockets[0], count: EvidenceLimits.maxSockets)
        ProcNetTCPReader().read(try RuntimeTests.stream(lines.prefix(3).joined(separator: "\n")), source: "tcp", into: &capped)
        #expect(capped.sockets.count == EvidenceLimits.maxSockets && capped.notes.first?.message.contains("the rest of tcp was not read") == true)
    }

    /// A review of the evidence code: each of these trapped, or gave a wrong verdict.
    @Test func hostileSavedNumbersDoNotTrap() throws {
        var evidence = Evidence(source: "saved")
        evidence.files = ["x"]
        evidence.sockstat = SocketStatistics(inUse: 1, orphans: Int64.max, timeWait: Int64.max, memoryPages: nil)
        evidence.settings = ["net.ipv4.tcp_max_orphans": "131072", "net.ipv4.ip_local_port_range": "1\t99999999999999999999",
                             "net.ipv4.tcp_max_tw_buckets": "10"]
        evidence.sockets = [TCPSocket(state: .timeWait, local: Endpoint(address: IPAddress(ipv4: 0x0A00_0007), port: 40000),
                                      remote: Endpoint(address: IPAddress(ipv4: 0x0A00_0005), port: 3306))]
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: Fixtures.knowledge)
        #expect(verdicts.findings.contains { $0.rule == "sockets-orphans" && $0.severity == .warning })
        _ = SocketTextReporter().render(verdicts, findings: verdicts.findings)
    }

    @Test func listenersAreEachTheirOwnQueue() throws {
        let text = """
            State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
            LISTEN     0      4          0.0.0.0:80         0.0.0.0:*     users:(("nginx",pid=10,fd=6))
            LISTEN     5      4          0.0.0.0:80         0.0.0.0:*     users:(("nginx",pid=11,fd=6))
            LISTEN     4      4          0.0.0.0:81         0.0.0.0:*
            """
        var evidence = Evidence(source: "ss")
        SSReader().read(try RuntimeTests.stream(text), source: "ss", into: &evidence)
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: Fixtures.knowledge)
        #expect(verdicts.census.listeners.count == 3, "SO_REUSEPORT workers share a port, each with its own queue")
        let full = verdicts.findings.filter { $0.rule == "sockets-accept-queue" }
        #expect(full.count == 1 && full[0].message.contains("pid 11"), "4 of a backlog of 4 still has room: backlog + 1 fit")
        #expect(IPAddress(ipv4: 0x7F00_0001).isLoopback && SSReader.parseAddress("::ffff:127.0.0.1")?.isLoopback == true)
        #expect(SSReader.parseAddress("::1")?.isLoopback == true && SSReader.parseAddress("10.0.0.1")?.isLoopback == false)
    }

    @Test func garbageIsNotedUpToTheLimit() throws {
        let text = "  sl  local_address\n" + String(repeating: "\u{1B}[2J not a socket line\n", count: RuntimeSnapshot.noteLimit + 10)
        var evidence = Evidence(source: "x")
        ProcNetTCPReader().read(try RuntimeTests.stream(text), source: "tcp", into: &evidence)
        #expect(evidence.sockets.isEmpty && evidence.notes.count == RuntimeSnapshot.noteLimit + 1)
    }

    @Test func aFolderWithNothingReadableIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "hello\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: InputProblem.self) { try EvidenceCollector.saved(folder.path) }
        #expect(throws: InputProblem.self) { try EvidenceCollector.saved(folder.appendingPathComponent("missing").path) }
    }
}
