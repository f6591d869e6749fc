import Foundation
import Testing
@testable import SysctlLint

/// The node_exporter reader on bytes against the reader on strings it replaced (`ReferenceNodeExporterReader`):
/// random exports of per-host scrapes and of federation shape, with multi-field keys, info samples, unknown
/// metrics, values in exponent form, unreadable lines, hosts without an instance label and repeated `# HELP`
/// lines. Held, the hosts are the reference's; streamed (when each host's samples lie together), they are the
/// held ones. Notes are compared as one list: the reference put every note on the first host, the reader puts
/// each on the host whose samples came last before it.
@Suite struct NodeExporterReaderTests {
    static let keys = ["net.ipv4.tcp_retries2", "net.ipv4.tcp_rmem", "kernel.osrelease", "vm.swappiness", "net.ipv4.conf.eth0/100.rp_filter",
                       "net/ipv4/tcp_fin_timeout", "kernel.héllo", "a..b"]
    static let values = ["0", "15", "-3", "+7", "3.3554432e+07", "1.5", "abc", "007", "9223372036854775808", "1e400", "0x10"]

    static func metric(_ key: String) -> String { "node_sysctl_" + key.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "/", with: "_") }

    /// One host's scrape: `# HELP` and `# TYPE` lines and samples for some keys, in random order of keys.
    static func scrape(host: String?, using random: inout JSONWriterTests.Generator) -> [String] {
        var lines: [String] = []
        let instance = host.map { "instance=\"\($0)\"" }
        for key in keys.shuffled(using: &random).prefix(Int.random(in: 0...keys.count, using: &random)) {
            let metric = metric(key)
            switch Int.random(in: 0..<12, using: &random) {
            case 0:  // an info sample names its key and value in labels
                let labels = ["index=\"0\"", instance, "name=\"\(key)\"", "value=\"v\\\"\(Int.random(in: 0..<9, using: &random))\""].compactMap { $0 }
                lines.append("node_sysctl_info{\(labels.shuffled(using: &random).joined(separator: ","))} 1")
            case 1:
                lines.append("\(metric){\(instance ?? "")} \(values.randomElement(using: &random)!)")  // no # HELP: noted
            case 2:  // a field per sample, out of order
                lines.append("# HELP \(metric) sysctl \(key)")
                for field in [2, 0, 1].shuffled(using: &random) {
                    let labels = ["index=\"\(field)\"", instance].compactMap { $0 }
                    lines.append("\(metric){\(labels.joined(separator: ","))} \(values.randomElement(using: &random)!)")
                }
            case 3:  // a field named in its # HELP line
                for field in 0..<2 {
                    lines.append("# HELP \(metric)_f\(field) sysctl \(key), field \(field)")
                    lines.append("\(metric)_f\(field){\(instance ?? "")} \(values.randomElement(using: &random)!)")
                }
            case 4: lines.append("\(metric){instance=\"x\" 5")  // no closing brace: not a sample
            case 5: lines.append("  ")
            default:
                lines.append("# HELP \(metric) sysctl \(key)")
                lines.append("# TYPE \(metric) untyped")
                let timestamp = Bool.random(using: &random) ? " 1700000000000" : ""
                lines.append(instance.map { "\(metric){\($0)} " } ?? "\(metric) " + "")
                lines[lines.count - 1] += values.randomElement(using: &random)! + timestamp
            }
        }
        return lines
    }

    /// An export: scrapes one after another, or the same samples metric by metric across hosts.
    static func export(seed: Int) -> (text: String, contiguous: Bool) {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &* 31 &+ 5)
        let hosts: [String?] = (0..<Int.random(in: 1...5, using: &random)).map { $0 == 3 ? nil : "h\($0):9100" }
        let scrapes = hosts.map { scrape(host: $0, using: &random) }
        if seed % 3 == 0 {
            // Federation shape: line by line across hosts, so hosts repeat after one another.
            var lines: [String] = []
            for index in 0..<(scrapes.map(\.count).max() ?? 0) {
                for scrape in scrapes where index < scrape.count { lines.append(scrape[index]) }
            }
            return (lines.joined(separator: "\n"), false)
        }
        return (scrapes.flatMap { $0 }.joined(separator: "\n"), true)
    }

    struct Host: Equatable {
        var host: String?
        var entries: [RuntimeSnapshot.Entry]
        var keys: [SysctlKey]
        var release: String?
        var isComplete: Bool
    }

    static func hosts(_ snapshots: [RuntimeSnapshot]) -> [Host] {
        snapshots.map { Host(host: $0.host, entries: $0.entries, keys: $0.assignments.map(\.key), release: $0.release, isComplete: $0.isComplete) }
    }

    static func notes(_ snapshots: [RuntimeSnapshot]) -> [String] {
        snapshots.flatMap(\.notes).map { "\($0.location?.line ?? 0): \($0.message)" }.sorted()
    }

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("node-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: 0..<300)
    func readerMatchesTheReference(seed: Int) throws {
        let (text, contiguous) = Self.export(seed: seed)
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = ReferenceNodeExporterReader().read(try LineStream(path: path), source: "m.txt")
        let held = NodeExporterReader.read(try LineStream(path: path), source: "m.txt")
        #expect(Self.hosts(held) == Self.hosts(reference), "\(text)")
        #expect(Self.notes(held) == Self.notes(reference), "\(text)")

        // A file of scrapes one after another is found so and streamed, to the same hosts.
        if contiguous {
            #expect(NodeExporterReader.hostsAreContiguous(path: path))
            let reader = NodeExporterReader(lines: try LineStream(path: path), source: "m.txt", streamsHosts: true)
            var streamed: [RuntimeSnapshot] = []
            while let host = reader.next() { streamed.append(host) }
            #expect(Self.hosts(streamed) == Self.hosts(held), "\(text)")
            #expect(streamed.map { Self.notes([$0]) } == held.map { Self.notes([$0]) }, "\(text)")
        }
    }

    /// # HELP lines are matched against the line each metric's record came from before they are parsed: scrapes
    /// whose # HELP lines repeat, change what a metric is (another key, a field), and change it back, in orders
    /// that follow and break the order the metrics were first named in, read as the reference reads them.
    @Test(arguments: 0..<150)
    func helpLinesThatRenameAMetricAreFollowed(seed: Int) throws {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &* 13 &+ 1)
        let statements = [
            ["sysctl net.core.a", "sysctl net.core.a2", "sysctl net.ipv4.tcp_rmem, field 1"],
            ["sysctl net.core.b", "sysctl  net.core.b ", "sysctl net.core.b, field 0"],
            ["sysctl vm.c", "sysctl vm.c, field 2", "sysctl vm.c3"],
            // Lines longer than `helpLineKept` are always parsed.
            ["sysctl net.core.\(String(repeating: "d", count: 600))", "sysctl net.core.d", "sysctl net.core.\(String(repeating: "e", count: 600))"],
        ]
        var lines: [String] = []
        for host in 0..<Int.random(in: 1...6, using: &random) {
            let order = Bool.random(using: &random) ? [0, 1, 2, 3] : [0, 1, 2, 3].shuffled(using: &random)
            for metric in order {
                let said = statements[metric][Int.random(in: 0..<4, using: &random) % 3]
                lines.append("# HELP node_sysctl_m\(metric) \(said)")
                if Bool.random(using: &random) { lines.append("# HELP node_sysctl_m\(metric) \(said)") }
                lines.append("node_sysctl_m\(metric){instance=\"h\(host)\"} \(host * 10 + metric)")
            }
        }
        let text = lines.joined(separator: "\n")
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = ReferenceNodeExporterReader().read(try LineStream(path: path), source: "m.txt")
        let reader = NodeExporterReader(lines: try LineStream(path: path), source: "m.txt", streamsHosts: true)
        var streamed: [RuntimeSnapshot] = []
        while let host = reader.next() { streamed.append(host) }
        #expect(Self.hosts(streamed) == Self.hosts(reference), "\(text)")
        #expect(Self.notes(streamed) == Self.notes(reference), "\(text)")
    }

    /// A federation export is not streamed: its hosts come back after one another.
    @Test func federationShapeIsHeld() throws {
        let path = try Self.file("""
            # HELP node_sysctl_vm_swappiness sysctl vm.swappiness
            node_sysctl_vm_swappiness{instance="a"} 60
            node_sysctl_vm_swappiness{instance="b"} 10
            # HELP node_sysctl_net_ipv4_tcp_retries2 sysctl net.ipv4.tcp_retries2
            node_sysctl_net_ipv4_tcp_retries2{instance="a"} 15
            node_sysctl_net_ipv4_tcp_retries2{instance="b"} 3
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!NodeExporterReader.hostsAreContiguous(path: path))
        let stream = try SnapshotStream.open(path, format: .auto)
        var hosts: [RuntimeSnapshot] = []
        while let host = stream.next() { hosts.append(host) }
        #expect(hosts.map(\.host) == ["a", "b"])
        #expect(hosts.map { $0.entries.map(\.value) } == [["60", "15"], ["10", "3"]])
    }

    /// Labels may have blanks after their commas; the reference kept the blank in the label's name and lost the host.
    @Test func labelsAfterABlankAreRead() throws {
        let hosts = NodeExporterReader.read(try RuntimeTests.stream("""
            # HELP node_sysctl_net_ipv4_tcp_rmem sysctl net.ipv4.tcp_rmem
            node_sysctl_net_ipv4_tcp_rmem{index="1", instance="a"} 131072
            node_sysctl_net_ipv4_tcp_rmem{index="0", instance="a"} 4096
            """), source: "m.txt")
        #expect(hosts.map(\.host) == ["a"])
        #expect(hosts.first?.entries.map(\.value) == ["4096\t131072"])
    }

    /// A `# HELP` line whose key is only commas names nothing (the reference stopped on it with an index out of range).
    @Test func aHelpLineWithoutAKeyIsPassedOver() throws {
        let hosts = NodeExporterReader.read(try RuntimeTests.stream("# HELP node_sysctl_x sysctl ,\nnode_sysctl_x 5\n"), source: "m.txt")
        #expect(hosts.count == 1 && hosts[0].entries.isEmpty)
        #expect(hosts[0].notes.first?.message.contains("has no '# HELP") == true)
    }

    /// A host of more keys than are searched in place, whose multi-field keys come back after other keys: each key
    /// is still one value, fields in order, as the reference makes it.
    @Test func aHostOfManyKeysKeepsEachKeyTogether() throws {
        var lines: [String] = []
        for round in 0..<2 {
            for key in 0..<150 {
                if round == 0 { lines.append("# HELP node_sysctl_k\(key) sysctl net.core.k\(key)") }
                lines.append("node_sysctl_k\(key){index=\"\(1 - round)\",instance=\"a\"} \(key * 10 + round)")
            }
        }
        let path = try Self.file(lines.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = ReferenceNodeExporterReader().read(try LineStream(path: path), source: "m.txt")
        let held = NodeExporterReader.read(try LineStream(path: path), source: "m.txt")
        #expect(Self.hosts(held) == Self.hosts(reference))
        #expect(held.first?.entries.count == 150)
        #expect(held.first?.entries.last?.value == "1491\t1490")
    }

    /// A host whose key past the ones searched in place is not kept (non-ASCII): the keys before it are still
    /// found when their later fields come (they were split into a second value).
    @Test(arguments: [62, 63, 64, 65])
    func aHostWhoseKeyPastTheSearchedOnesIsNotKept(filler: Int) throws {
        var lines = ["# HELP node_sysctl_net_ipv4_tcp_rmem sysctl net.ipv4.tcp_rmem", "node_sysctl_net_ipv4_tcp_rmem{index=\"0\"} 4096"]
        lines += (1...filler).map { "node_sysctl_info{name=\"x.k\($0)\",value=\"1\"} 1" }
        lines += ["node_sysctl_info{name=\"x.é\",value=\"1\"} 1", "node_sysctl_info{name=\"x.k200\",value=\"1\"} 1",
                  "node_sysctl_net_ipv4_tcp_rmem{index=\"1\"} 87380", "node_sysctl_net_ipv4_tcp_rmem{index=\"2\"} 100"]
        let path = try Self.file(lines.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = ReferenceNodeExporterReader().read(try LineStream(path: path), source: "m.txt")
        let held = NodeExporterReader.read(try LineStream(path: path), source: "m.txt")
        #expect(Self.hosts(held) == Self.hosts(reference))
        #expect(held.first?.entries.first?.value == "4096\t87380\t100")
    }

    /// Past `metricsKept` metrics, a # HELP line for a new metric is not recorded, and the export says so once.
    @Test func metricsPastTheLimitAreNoted() throws {
        var lines = (0..<NodeExporterParser.metricsKept).map { "# HELP node_sysctl_m\($0) sysctl net.core.m\($0)" }
        lines += ["# HELP node_sysctl_late sysctl net.core.late", "# HELP node_sysctl_later sysctl net.core.later",
                  "node_sysctl_m1{instance=\"a\"} 1", "node_sysctl_late{instance=\"a\"} 2"]
        let hosts = NodeExporterReader.read(try RuntimeTests.stream(lines.joined(separator: "\n")), source: "m.txt")
        Self.expectCut(hosts, keys: ["net.core.m1"], saying: "names more than 65536 metrics", unreadable: "node_sysctl_late")
    }

    /// The hosts of an export cut at a recording limit: one host with `keys`, the note that says so given once,
    /// and the samples of `unreadable` (a metric not recorded) noted as unreadable.
    static func expectCut(_ hosts: [RuntimeSnapshot], keys: [String], saying note: String, unreadable metric: String,
                          sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(hosts.map { $0.entries.map(\.key) } == [keys], sourceLocation: sourceLocation)
        let notes = hosts.flatMap(\.notes).map(\.message)
        #expect(notes.filter { $0.contains(note) }.count == 1, sourceLocation: sourceLocation)
        #expect(notes.contains { $0.hasPrefix("\(metric) has no") }, sourceLocation: sourceLocation)
    }

    /// Past its budget of metric names and keys (`recordedBytesKept`; here 100 bytes), a # HELP line for a new
    /// metric is not recorded either, and the export says so once; a shorter one that fits still is.
    @Test func metricNamesPastTheByteBudgetAreNoted() {
        var parser = NodeExporterParser(source: "m.txt", recordedBytesBudget: 100)
        let lines = ["# HELP node_sysctl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa sysctl net.core.aaaaaaaaaaaaaaaaaaaaaa",  // 73 bytes of name and key
                     "# HELP node_sysctl_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb sysctl net.core.bbbbbbbbbbbbbbbbbbbbbb",  // 146 in all: not recorded
                     "# HELP node_sysctl_c sysctl net.core.c",  // 96
                     "# HELP node_sysctl_dddddddddddddddddddddddddddddd sysctl net.core.dddddddddddddddddddddd",
                     "node_sysctl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa{instance=\"a\"} 1", "node_sysctl_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb{instance=\"a\"} 2",
                     "node_sysctl_c{instance=\"a\"} 3"]
        Self.expectCut(Self.streamed(lines, into: &parser), keys: ["net.core.aaaaaaaaaaaaaaaaaaaaaa", "net.core.c"],
                       saying: "of their names and keys", unreadable: "node_sysctl_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
    }

    /// A metric given another key by a later # HELP line holds that key's text in the budget instead of the old
    /// one's: a longer key that does not fit is not recorded, and the metric keeps the key it had.
    @Test func aLongerKeyPastTheByteBudgetIsNotGiven() {
        var parser = NodeExporterParser(source: "m.txt", recordedBytesBudget: 60)
        let lines = ["# HELP node_sysctl_a sysctl net.core.a",  // 23 bytes of name and key
                     "# HELP node_sysctl_a sysctl net.core.aaaaaaaaaaaaaaaaaaaa",  // 42: given
                     "# HELP node_sysctl_a sysctl net.core.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  // 62: not given
                     "node_sysctl_a{instance=\"h\"} 1",
                     "# HELP node_sysctl_a sysctl net.core.b",  // 23 again: given
                     "node_sysctl_a{instance=\"i\"} 2"]
        let hosts = Self.streamed(lines, into: &parser)
        #expect(hosts.map { $0.entries.map(\.key) } == [["net.core.aaaaaaaaaaaaaaaaaaaa"], ["net.core.b"]])
        #expect(hosts.flatMap(\.notes).filter { $0.message.contains("keeps what it was given") }.count == 1)
    }

    /// The hosts a parser streams from `lines`, numbered from 1.
    static func streamed(_ lines: [String], into parser: inout NodeExporterParser) -> [RuntimeSnapshot] {
        var hosts: [RuntimeSnapshot] = []
        for (index, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBufferPointer { if let host = parser.stream($0, number: index + 1) { hosts.append(host) } }
        }
        if let last = parser.finish() { hosts.append(last) }
        return hosts
    }

    /// A fleet reader keeps `keysKept` keys and `pathBytesKept` of their paths for all hosts; a key past either
    /// is read again for each row, with the same result.
    @Test func keysPastThePathBudgetAreReadForTheirRowAlone() {
        var table = FleetKeyTable()
        let long = String(repeating: "k", count: 1 << 20)
        var kept: [Bool] = []
        for index in 0..<10 {
            let (position, key) = table.key("net.\(long)\(index)")
            kept.append(position != nil)
            #expect(key.path == "net/\(long)\(index)")
        }
        #expect(kept == Array(repeating: true, count: 7) + Array(repeating: false, count: 3))
        #expect(table.key("vm.swappiness").0 != nil)
    }
}
