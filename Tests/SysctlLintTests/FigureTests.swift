import Testing
@testable import SysctlLint

/// Worked examples of the kernel arithmetic (tcp_model_timeout(), the SYN and SYN-ACK timers, tcp_fin_time()),
/// checked against ip-sysctl.rst and measurements on 6.18, for several kernel eras.
@Suite struct FigureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: ComputedFigure.Name
        let config: String
        let kernel: String
        let expected: Double
        var testDescription: String { "\(name.rawValue) \(config.replacingOccurrences(of: "\n", with: "; ")) on \(kernel) = \(expected)" }
    }

    static let keepaliveTable: [(String, String, String, Double)] = [
        ("7200", "75", "9", 7875), ("10", "3", "2", 16), ("600", "2", "2", 604), ("1800", "15", "3", 1845),
        ("60", "10", "6", 120), ("300", "30", "5", 450), ("6", "2", "3", 12), ("5", "2", "0", 5),
    ]
    static let keepalive: [Case] = keepaliveTable.map { t, i, p, s in
        Case(name: .keepaliveDeadPeer,
             config: "net.ipv4.tcp_keepalive_time = \(t)\nnet.ipv4.tcp_keepalive_intvl = \(i)\nnet.ipv4.tcp_keepalive_probes = \(p)",
             kernel: "6.18", expected: s)
    }

    static let retries2Table: [(Int, Double)] = [
        (1, 0.6), (2, 1.4), (3, 3.0), (4, 6.2), (5, 12.6), (6, 25.4), (7, 51.0), (8, 102.2), (9, 204.6),
        (10, 324.6), (11, 444.6), (12, 564.6), (13, 684.6), (14, 804.6), (15, 924.6), (20, 1524.6), (255, 29724.6),
    ]
    static let retries2: [Case] = retries2Table.map { n, s in
        Case(name: .retries2GiveUp, config: "net.ipv4.tcp_retries2 = \(n)", kernel: "5.15", expected: s)
    }

    static let rtoMaxTable: [(Int, Double)] = [(120000, 924.6), (60000, 522.2), (30000, 291.0), (10000, 112.6), (5000, 61.2), (1000, 14.4)]
    static let rtoMax: [Case] = rtoMaxTable.map { ms, s in
        Case(name: .retries2GiveUp, config: "net.ipv4.tcp_rto_max_ms = \(ms)", kernel: "6.15", expected: s)
    }

    static let synTable: [(Int, Int, Int, Int)] = [
        (1, 9, 3, 3), (2, 21, 7, 7), (3, 45, 15, 19), (4, 93, 31, 35), (5, 189, 63, 67), (6, 309, 127, 131), (7, 429, 247, 251),
    ]
    static let syn: [Case] = synTable.flatMap { n, old, mid, new in [
        Case(name: .synGiveUp, config: "net.ipv4.tcp_syn_retries = \(n)", kernel: "3.0", expected: Double(old)),
        Case(name: .synGiveUp, config: "net.ipv4.tcp_syn_retries = \(n)", kernel: "4.19", expected: Double(mid)),
        Case(name: .synGiveUp, config: "net.ipv4.tcp_syn_retries = \(n)", kernel: "6.5", expected: Double(new)),
        Case(name: .synGiveUp, config: "net.ipv4.tcp_syn_retries = \(n)\nnet.ipv4.tcp_syn_linear_timeouts = 0", kernel: "6.18", expected: Double(mid)),
    ] }

    static let synackTable: [(Int, Int)] = [(0, 1), (1, 3), (2, 7), (3, 15), (4, 31), (5, 63), (6, 127), (7, 247), (8, 367)]
    static let synack: [Case] = synackTable.map { n, s in
        Case(name: .synackGiveUp, config: "net.ipv4.tcp_synack_retries = \(n)", kernel: "6.18", expected: Double(s))
    }

    static let orphanTable: [(Int, Double)] = [(0, 102.2), (1, 0.6), (2, 1.4), (3, 3.0), (4, 6.2), (5, 12.6), (7, 51.0), (8, 102.2)]
    static let orphan: [Case] = orphanTable.map { n, s in
        Case(name: .orphanGiveUp, config: "net.ipv4.tcp_orphan_retries = \(n)", kernel: "6.18", expected: s)
    }

    static let finWaitTable: [(Int, Double)] = [(5, 5), (30, 30), (60, 60), (61, 2), (70, 20), (90, 60), (100, 80), (120, 120), (180, 240), (300, 480), (0, 0.7)]
    static let finWait2: [Case] = finWaitTable.map { f, s in
        Case(name: .finWait2Lifetime, config: "net.ipv4.tcp_fin_timeout = \(f)", kernel: "6.18", expected: s)
    }

    static let portTable: [(String, Int, Double)] = [("32768 60999", 28232, 470.53), ("32768 61000", 28233, 470.55), ("1024 65000", 63977, 1066.28), ("1024 65535", 64512, 1075.2)]
    static let ports: [Case] = portTable
        .flatMap { range, ports, rate in [
            Case(name: .ephemeralPorts, config: "net.ipv4.ip_local_port_range = \(range)", kernel: "6.18", expected: Double(ports)),
            Case(name: .connectRatePerDestination, config: "net.ipv4.ip_local_port_range = \(range)", kernel: "6.18", expected: rate),
        ] }

    static let all: [Case] = [keepalive, retries2, rtoMax, syn, synack, orphan, finWait2, ports].flatMap { $0 }

    @Test(arguments: all)
    func workedExample(_ item: Case) throws {
        let figure = try #require(Fixtures.figure(item.name, item.config, kernel: item.kernel))
        #expect(figure.value == item.expected, "\(figure.formula)")
    }

    @Test func defaultsGiveTheDocumentedFigures() throws {
        let figures = Fixtures.lint("", kernel: "6.18").figures
        let byName = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0) })
        #expect(byName[.keepaliveDeadPeer]?.value == 7875)
        #expect(byName[.retries2GiveUp]?.value == 924.6)
        #expect(byName[.synGiveUp]?.value == 131)
        #expect(byName[.synackGiveUp]?.value == 63)
        #expect(byName[.timeWait]?.value == 60)
        #expect(byName[.timeWaitCloseRate] == nil, "the tw_buckets default depends on memory; no figure is guessed")
        #expect(byName[.keepaliveDeadPeer]?.inputs.allSatisfy { $0.source == "default" } == true)
        // 07f4c90062f8 (4.2) moved the default end from 61000 to 60999: 4.1.3 and 4.2.8 trees.
        #expect(Fixtures.lint("", kernel: "4.1").figures.first { $0.name == .ephemeralPorts }?.value == 28233)
        #expect(Fixtures.lint("", kernel: "4.2").figures.first { $0.name == .ephemeralPorts }?.value == 28232)
        #expect(Fixtures.lint("", kernel: "4.4").figures.first { $0.name == .ephemeralPorts }?.value == 28232)
    }

    @Test func inputsNameTheLineThatSetThem() throws {
        let figure = try #require(Fixtures.figure(.keepaliveDeadPeer, "net.ipv4.tcp_keepalive_time = 600", kernel: "6.18"))
        let input = try #require(figure.inputs.first { $0.key == "net.ipv4.tcp_keepalive_time" })
        #expect(input.source == "test.conf:1")
        #expect(figure.formula == "600 + 75 × 9")
    }

    @Test func timeWaitCloseRateFollowsTheSetLimit() throws {
        let figure = try #require(Fixtures.figure(.timeWaitCloseRate, "net.ipv4.tcp_max_tw_buckets = 5000", kernel: "6.18"))
        #expect(figure.value == 83.33)
    }

    @Test(arguments: [(7875.0, "2h 11m 15s"), (924.6, "15m 24.6s"), (3, "3s"), (0.6, "0.6s"), (90061, "1d 1h 1m 1s")])
    func durations(_ seconds: Double, _ text: String) {
        #expect(Format.duration(seconds: seconds) == text)
    }
}
