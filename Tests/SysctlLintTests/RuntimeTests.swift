import Foundation
import Testing
@testable import SysctlLint

/// Running values: saved `sysctl -a` output, /proc/sys copies, fleet exports, and drift against configuration.
@Suite struct RuntimeTests {
    static func stream(_ text: String) throws -> LineStream {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try LineStream(path: path)  // the handle stays open after the name is gone
    }

    static let snapshots: [String] = {
        let directory = Fixtures.shared.appendingPathComponent("corpus/snapshots").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { directory + "/" + $0 }
    }()

    @Test(.needsSharedCorpus, arguments: snapshots)
    func corpusSnapshotsParseWithoutSyntaxFindings(path: String) throws {
        let snapshot = try #require(SnapshotStream.open(path, format: .auto).next())
        let syntax = snapshot.notes.filter { $0.message.contains("not a 'key = value' line") }
        #expect(syntax.isEmpty, "\(syntax.map { "\($0.location?.line ?? 0)" })")
        #expect(snapshot.kernel != nil, "kernel.osrelease sets the target kernel")
        #expect(snapshot.entries.count > 500)
        let result = Linter(knowledge: Fixtures.knowledge).lint(LintRequest(runtime: snapshot))
        #expect(result.kernel == snapshot.kernel)
        #expect(result.evaluated == .runtime)
        #expect(!result.findings.contains { ["empty-value", "invalid-line", "key-not-in-kernel", "unknown-key", "read-only-key"].contains($0.rule) })
    }

    /// A snapshot's state is taken whole when no key repeats; with a repeat far apart, a glob, a multi-line value
    /// or a second `kernel.osrelease`, it must still be the state the configuration path builds from the same lines.
    @Test(arguments: [
        "kernel.osrelease = 6.8.0\nvm.swappiness = 60\nnet.ipv4.tcp_fin_timeout = 60\n",
        "vm.swappiness = 60\nnet.ipv4.tcp_fin_timeout = 60\nvm.swappiness = 10\n",
        "kernel.osrelease = 6.8.0\nnet.ipv4.conf.*.rp_filter = 2\nnet.ipv4.conf.eth0.rp_filter = 1\nkernel.osrelease = 4.9.0\n",
        "kernel.printk = 4\nkernel.printk = 4\nvm.swappiness = 1\nkernel/printk = 7\n",
    ])
    func stateTakenWholeIsTheStateBuiltLineByLine(text: String) {
        let snapshot = SysctlDumpReader().read(text: text, source: "s.txt")
        let whole = EffectiveState(runtime: snapshot)
        let byLine = EffectiveState(files: [snapshot.parsedFile()])
        #expect(whole.winners == byLine.winners)
        #expect(whole.globs == byLine.globs)
        #expect(whole.settings.map(\.overridden) == byLine.settings.map(\.overridden))
        for assignment in snapshot.assignments { #expect(whole.assignment(for: assignment.key.name) == byLine.assignment(for: assignment.key.name)) }
        #expect(snapshot.release == snapshot.entries.first { $0.key == "kernel.osrelease" }?.value)
    }

    @Test func sysctlDashAFormat() throws {
        let text = "kernel.osrelease = 5.15.0-58-generic\nnet.ipv4.tcp_rmem = 4096\t131072\t6291456\n"
            + "dev.cdrom.info = CD-ROM information\ndev.cdrom.info = \ndev.cdrom.info = drive name:\t\n"
            + "sysctl: permission denied on key 'kernel.cad_pid'\nnet.ipv4.conf.eth0/100.rp_filter = 2\nvm.swappiness =\n"
        let snapshot = SysctlDumpReader().read(try Self.stream(text), source: "s.txt")
        #expect(snapshot.kernel == KernelVersion(5, 15))
        #expect(snapshot.entries.first { $0.key == "net.ipv4.tcp_rmem" }?.value == "4096\t131072\t6291456")
        #expect(snapshot.entries.first { $0.key == "dev.cdrom.info" }?.value == "CD-ROM information\n\ndrive name:\t")
        #expect(snapshot.entries.filter { $0.key == "dev.cdrom.info" }.count == 1)
        #expect(snapshot.entries.first { $0.key == "vm.swappiness" }?.value == "")
        #expect(snapshot.notes.first?.key == "kernel.cad_pid")
        let vlan = try #require(snapshot.parsedFile().assignments.first { $0.key.written.contains("eth0/100") })
        #expect(vlan.key.path == "net/ipv4/conf/eth0.100/rp_filter")
    }

    @Test func procSysCopy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("procsys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ExampleRunner.materialise([
            .init(path: "kernel/osrelease", content: "6.1.0-18-amd64\n"),
            .init(path: "net/ipv4/tcp_rmem", content: "4096\t131072\t6291456\n"),
            .init(path: "net/ipv4/conf/eth0.100/rp_filter", content: "2\n"),
            .init(path: "net/ipv4/route/flush", content: ""),
        ], at: root)
        chmod(root + "/net/ipv4/route/flush", 0o200)
        let snapshot = try ProcSysReader().read(directory: root)
        #expect(snapshot.kernel == KernelVersion(6, 1))
        #expect(snapshot.entries.map(\.key).contains("net.ipv4.conf.eth0/100.rp_filter"))
        #expect(snapshot.entries.first { $0.key == "net.ipv4.tcp_rmem" }?.value == "4096\t131072\t6291456")
        #expect(!snapshot.entries.contains { $0.key == "net.ipv4.route.flush" })
        #expect(snapshot.notes.isEmpty, "a write-only trigger is expected on every host; it is skipped silently")
    }

    @Test func liveProcSysWhenPresent() throws {
        guard FileManager.default.fileExists(atPath: "/proc/sys/kernel/osrelease") else { return }
        let snapshot = try ProcSysReader().readLive()
        #expect(snapshot.kernel != nil)
        #expect(snapshot.entries.contains { $0.key == "kernel.osrelease" })
    }

    @Test func osqueryArrayAndResultsLog() throws {
        let array = #"[{"name":"kernel.osrelease","current_value":"6.8.0","config_value":""},{"name":"net.ipv4.tcp_retries2","current_value":"3"}]"#
        let single = OsqueryReader(lines: try Self.stream(array), source: "q.json")
        let only = try #require(single.next())
        #expect(only.entries.count == 2 && only.host == nil)
        #expect(single.next() == nil)

        let log = """
            {"name":"pack_sysctl","hostIdentifier":"web-1","action":"snapshot","snapshot":[{"name":"kernel.osrelease","current_value":"6.8.0"},{"name":"net.ipv4.tcp_retries2","current_value":"3"}]}
            {"name":"pack_sysctl","hostIdentifier":"web-2","action":"added","columns":{"name":"kernel.osrelease","current_value":"5.15.0"}}
            {"name":"pack_sysctl","hostIdentifier":"web-2","action":"added","columns":{"name":"net.ipv4.tcp_retries2","current_value":"15"}}
            {"name":"pack_sysctl","hostIdentifier":"web-2","action":"removed","columns":{"name":"vm.swappiness","current_value":"60"}}
            """
        let reader = OsqueryReader(lines: try Self.stream(log), source: "results.log")
        let first = try #require(reader.next()), second = try #require(reader.next())
        #expect(reader.next() == nil)
        #expect(first.host == "web-1" && first.kernel == KernelVersion(6, 8))
        #expect(second.host == "web-2" && second.entries.map(\.key) == ["kernel.osrelease", "net.ipv4.tcp_retries2"])
        let result = Linter(knowledge: Fixtures.knowledge).lint(LintRequest(runtime: first))
        #expect(result.findings.contains { $0.rule == "tcp-retries2-low" && $0.host == "web-1" })
    }

    /// The reader builds only the members it uses, but a value is taken whole, whatever it holds.
    @Test func osqueryValuesAreReadWhole() throws {
        let log = #"{"hostIdentifier":"h","calendarTime":"x","decorations":{"hostname":"h2","uuid":"u"},"snapshot":[{"name":"net.ipv4.tcp_retries2","current_value":{"a":1,"b":[{"c":2}]},"type":"x"},{"name":"vm.swappiness","value":7}]}"#
        let host = try #require(OsqueryReader(lines: try Self.stream(log), source: "q.log").next())
        #expect(host.host == "h")
        #expect(host.entries.map(\.value) == [#"{"a":1,"b":[{"c":2}]}"#, "7"])
    }

    @Test func nodeExporterText() throws {
        let text = """
            # HELP node_sysctl_net_ipv4_tcp_keepalive_time sysctl net.ipv4.tcp_keepalive_time
            # TYPE node_sysctl_net_ipv4_tcp_keepalive_time untyped
            node_sysctl_net_ipv4_tcp_keepalive_time{instance="a:9100"} 10
            node_sysctl_net_ipv4_tcp_keepalive_time{instance="b:9100"} 7200
            # HELP node_sysctl_net_ipv4_tcp_rmem sysctl net.ipv4.tcp_rmem
            node_sysctl_net_ipv4_tcp_rmem{index="1",instance="a:9100"} 131072
            node_sysctl_net_ipv4_tcp_rmem{index="0",instance="a:9100"} 4096
            node_sysctl_net_ipv4_tcp_rmem{index="2",instance="a:9100"} 3.3554432e+07
            node_sysctl_info{index="0",instance="a:9100",name="net.ipv4.tcp_congestion_control",value="bbr"} 1
            node_sysctl_unknown_metric 5
            """
        let hosts = NodeExporterReader.read(try Self.stream(text), source: "metrics.txt")
        #expect(hosts.map(\.host) == ["a:9100", "b:9100"])
        let a = hosts[0]
        #expect(a.entries.first { $0.key == "net.ipv4.tcp_rmem" }?.value == "4096\t131072\t33554432")
        #expect(a.entries.first { $0.key == "net.ipv4.tcp_congestion_control" }?.value == "bbr")
        #expect(a.notes.contains { $0.message.contains("node_sysctl_unknown_metric") })
        #expect(!a.isComplete)
    }

    @Test func driftAndWhichStateIsEvaluated() throws {
        let config = ConfigParser().parse(SourceText(path: "99-tuning.conf", text: """
            net.ipv4.tcp_retries2 = 5
            net.ipv4.ip_local_port_range = 1024 65000
            net.netfilter.nf_conntrack_max = 262144
            net.ipv4.conf.*.rp_filter = 2
            """))
        let runtime = SysctlDumpReader().read(text: """
            kernel.osrelease = 6.1.0
            net.ipv4.tcp_retries2 = 15
            net.ipv4.ip_local_port_range = 1024\t65000
            net.ipv4.conf.eth0.rp_filter = 1
            net.ipv4.conf.lo.rp_filter = 2
            """, source: "live.txt")
        let linter = Linter(knowledge: Fixtures.knowledge)
        let onConfig = linter.lint(LintRequest(config: [config], runtime: runtime))
        let drift = onConfig.findings.filter { $0.rule == "drift-value" }
        #expect(Set(drift.compactMap(\.key)) == ["net.ipv4.tcp_retries2", "net.ipv4.conf.eth0.rp_filter"])
        #expect(onConfig.findings.contains { $0.rule == "drift-missing-key" && $0.key == "net.netfilter.nf_conntrack_max" })
        #expect(onConfig.kernel == KernelVersion(6, 1) && onConfig.evaluated == .config)
        let configGiveUp = try #require(onConfig.figures.first { $0.name == .retries2GiveUp })
        let onRuntime = linter.lint(LintRequest(config: [config], runtime: runtime, evaluate: .runtime))
        let runtimeGiveUp = try #require(onRuntime.figures.first { $0.name == .retries2GiveUp })
        #expect(configGiveUp.value < 20 && abs(runtimeGiveUp.value - 924.6) < 0.01)
        #expect(onRuntime.findings.contains { $0.rule == "drift-value" }, "drift is reported whichever state is evaluated")
    }

    /// sysctl separates a value's fields with tabs; a drift message shows them as blanks.
    @Test func driftShowsTabsAsBlanks() throws {
        let config = ConfigParser().parse(SourceText(path: "a.conf", text: "net.ipv4.ip_local_port_range = 1024 60000\n"))
        let runtime = SysctlDumpReader().read(text: "net.ipv4.ip_local_port_range = 1024\t65000\u{301}\t7\n", source: "live.txt")
        let drift = try #require(Linter(knowledge: Fixtures.knowledge).lint(LintRequest(config: [config], runtime: runtime))
            .findings.first { $0.rule == "drift-value" })
        #expect(drift.message.contains("has 1024 65000\u{301} 7:"), "\(drift.message)")
    }

    @Test func fleetSummaryCountsHostsPerRule() throws {
        var summary = FleetSummary()
        let linter = Linter(knowledge: Fixtures.knowledge)
        for (host, retries) in [("a", "3"), ("b", "3"), ("c", "15")] {
            var snapshot = RuntimeSnapshot(source: "fleet", host: host)
            snapshot.entries = [.init(key: "net.ipv4.tcp_retries2", value: retries, line: 1)]
            summary.add(linter.lint(LintRequest(runtime: snapshot)))
        }
        #expect(summary.hosts == 3)
        #expect(summary.hazards.first { $0.rule == "tcp-retries2-low" }?.hosts == 2)
    }
}

/// Snapshot readers stay bounded whatever the stream holds.
@Suite struct SnapshotLimitTests {
    @Test func aSnapshotBeyondTheHostLimitIsCutWithANote() throws {
        let text = String(repeating: "net.ipv4.conf.veth0.rp_filter = 1\n", count: 40_000)  // about 1.3 MiB
        let snapshot = SysctlDumpReader().read(try RuntimeTests.stream(text), source: "big", sizeLimit: 1024 * 1024)
        #expect(snapshot.entries.count < 40_000)
        #expect(snapshot.notes.contains { $0.message.contains("larger than 1 MiB") })
    }

    @Test func formatSniffingLooksAtTheStartOfTheFirstContentOnly() throws {
        let blankThenJSON = try RuntimeTests.stream(String(repeating: " \n", count: 100_000) + "[{\"name\": \"vm.swappiness\"}]\n")
        #expect(blankThenJSON.peekFirstContent() == "[{\"name\": \"vm.swappiness\"}]")
        let longLine = try RuntimeTests.stream(String(repeating: "x", count: 3_000_000))
        #expect(longLine.peekFirstContent()?.utf8.count == 64)
        #expect(longLine.nextLine()?.count == 3_000_000, "peeking consumed nothing")
    }

    @Test func aLineWithoutEndIsReadInOnePassAndCut() throws {
        let stream = try RuntimeTests.stream(String(repeating: "\0", count: InputReader.defaultSizeLimit + 100_000))
        let first = try #require(stream.nextLine())
        #expect(first.count > InputReader.defaultSizeLimit - LineStream.chunkSize)
        #expect(stream.bytesConsumed == first.count)
    }

    /// A pipe hands over what its writer wrote so far: lines read from one fed 4 KB at a time are the lines
    /// of the same bytes read from a file, a line too long to keep cut at the same place.
    @Test func aPipeFedInSmallWritesReadsAsAFileDoes() throws {
        var text = Array("kernel.hostname = a\n".utf8)
        text += Array(repeating: UInt8(ascii: " "), count: InputReader.defaultSizeLimit + 200_000)
        text += Array("net.ipv4.tcp_retries2 = 3\nvm.swappiness = 60\n".utf8)
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let bytes = text
        let thread = Thread {
            var at = 0
            while at < bytes.count {
                let end = min(at + 4000, bytes.count)
                writer.write(Data(bytes[at..<end]))
                at = end
            }
            try? writer.close()
        }
        thread.start()
        let piped = LineStream(handle: pipe.fileHandleForReading, closeWhenDone: true)
        let file = try RuntimeTests.stream(String(decoding: text, as: UTF8.self))
        // Each line as its length and its ends, so that a failure prints a few bytes rather than 16 MiB.
        func summary(_ line: ArraySlice<UInt8>) -> String {
            "\(line.count): \(String(decoding: line.prefix(24), as: UTF8.self))…\(String(decoding: line.suffix(24), as: UTF8.self))"
        }
        var pipedLines: [String] = [], fileLines: [String] = []
        while let line = piped.nextLine() { pipedLines.append(summary(line)) }
        while let line = file.nextLine() { fileLines.append(summary(line)) }
        #expect(pipedLines == fileLines)
        #expect(pipedLines.count == 4, "the long line is cut once, into two")
    }
}
