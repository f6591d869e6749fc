import Foundation
import Testing
@testable import SysctlLint

/// Era boundaries of the kernel model, each pinned on both sides with the source it was read in (release trees'
/// net/ipv4/sysctl_net_ipv4.c, tcp_timer.c, and the commits named).
@Suite struct KernelEraTests {
    struct Write: Sendable, CustomTestStringConvertible {
        let config: String
        let kernel: String
        let rejected: Bool
        let source: String
        var testDescription: String { "\(config) on \(kernel): \(rejected ? "rejected" : "accepted") (\(source))" }
    }

    static let writes: [Write] = [
        // 4ecc1baf362c "tcp: convert elligible sysctls to u8" (5.13); backported to 5.10.y at 5.10.178.
        Write(config: "net.ipv4.tcp_retries2 = 300", kernel: "5.15", rejected: true, source: "5.15.85: proc_dou8vec_minmax"),
        Write(config: "net.ipv4.tcp_keepalive_probes = -1", kernel: "5.15", rejected: true, source: "5.15.85: proc_dou8vec_minmax"),
        Write(config: "net.ipv4.tcp_retries2 = 300", kernel: "5.12", rejected: false, source: "5.12.9: proc_dointvec"),
        Write(config: "net.ipv4.tcp_retries2 = 300", kernel: "5.10.100", rejected: false, source: "5.10.89: proc_dointvec"),
        Write(config: "net.ipv4.tcp_retries2 = 300", kernel: "5.10.200", rejected: true, source: "5.10.178 stable backport, 5.10.198 tree"),
        Write(config: "net.ipv4.tcp_retries2 = 300", kernel: "5.4", rejected: false, source: "5.4.273: proc_dointvec"),
        Write(config: "net.ipv4.tcp_retries1 = 300", kernel: "4.19", rejected: true, source: "tcp_retr1_max = 255 since 2.6"),
        Write(config: "net.ipv4.tcp_retries1 = -1", kernel: "4.19", rejected: false, source: "4.19.78: no extra1"),
        Write(config: "net.ipv4.tcp_retries1 = -1", kernel: "5.15", rejected: true, source: "5.15.85: u8"),
        // tcp_syn_retries_min/max: mainline 3.11, in 3.10.105 by backport; 2.6.32.69 has no bounds.
        Write(config: "net.ipv4.tcp_syn_retries = 0", kernel: "4.19", rejected: true, source: "4.19.78: tcp_syn_retries_min = 1"),
        Write(config: "net.ipv4.tcp_syn_retries = 128", kernel: "3.10.105", rejected: true, source: "3.10.105: MAX_TCP_SYNCNT"),
        Write(config: "net.ipv4.tcp_syn_retries = 0", kernel: "2.6.32", rejected: false, source: "2.6.32.69: proc_dointvec"),
        // 79e9fed46038 (4.18): tcp_tw_reuse 0..2.
        Write(config: "net.ipv4.tcp_tw_reuse = 3", kernel: "4.18", rejected: true, source: "4.18.0: extra2 = two"),
        Write(config: "net.ipv4.tcp_tw_reuse = 3", kernel: "4.14", rejected: false, source: "4.14.5: proc_dointvec"),
        // 1280c26228bd (6.15): tcp_rto_max_ms 1000..120000.
        Write(config: "net.ipv4.tcp_rto_max_ms = 500", kernel: "6.18", rejected: true, source: "6.18.2: SYSCTL_ONE_THOUSAND"),
        // ipv4_privileged_ports() / ipv4_local_port_range() (4.11+, 6.18.2): each judged against the other's value.
        Write(config: "net.ipv4.ip_unprivileged_port_start = 40000", kernel: "6.18", rejected: true, source: "above the default range start 32768"),
        Write(config: "net.ipv4.ip_local_port_range = 40000 60999\nnet.ipv4.ip_unprivileged_port_start = 40000", kernel: "6.18", rejected: false, source: "range raised first"),
        Write(config: "net.ipv4.ip_unprivileged_port_start = 40000\nnet.ipv4.ip_local_port_range = 40000 60999", kernel: "6.18", rejected: true, source: "start raised before the range"),
        Write(config: "net.ipv4.ip_local_port_range = 1000 60999", kernel: "4.9", rejected: false, source: "4.9.154: no ip_unprivileged_port_start"),
        Write(config: "net.ipv4.ip_local_reserved_ports = 8080,9000-", kernel: "6.18", rejected: true, source: "proc_do_large_bitmap"),
    ]

    @Test(arguments: writes)
    func refusedWrites(_ item: Write) {
        let result = Fixtures.lint(item.config, kernel: item.kernel)
        let errors = result.findings.filter { $0.rule == "invalid-value" && $0.severity == .error }
        #expect(errors.isEmpty != item.rejected, "\(result.findings.map(\.message))")
    }

    @Test func keyExistenceFollowsTheRelease() {
        // f086edef71be: tcp_rto_min_us from 6.11 (absent in 6.10.0, present in 6.11.11).
        #expect(Fixtures.lint("net.ipv4.tcp_rto_min_us = 5000", kernel: "6.10").findings.contains { $0.rule == "key-not-in-kernel" })
        #expect(!Fixtures.lint("net.ipv4.tcp_rto_min_us = 5000", kernel: "6.11").findings.contains { $0.rule == "key-not-in-kernel" })
        // 4396e46187ca: tcp_tw_recycle gone in 4.12.
        #expect(Fixtures.lint("net.ipv4.tcp_tw_recycle = 0", kernel: "4.12").findings.contains { $0.rule == "key-not-in-kernel" })
    }

    // MARK: A refused write never feeds a figure

    @Test func refusedRtoMaxLeavesTheBudget() throws {
        let result = Fixtures.lint("net.ipv4.tcp_rto_max_ms = 500", kernel: "6.18")
        let figure = try #require(result.figures.first { $0.name == .retries2GiveUp })
        #expect(figure.value == 924.6)
        let input = try #require(figure.inputs.first { $0.key == "net.ipv4.tcp_rto_max_ms" })
        #expect(input.source == "default" && input.value == "120000")
        #expect(input.rejected == [.init(value: "500", source: "test.conf:1")])
    }

    @Test func refusedSynRetriesKeepsTheDefault() throws {
        let result = Fixtures.lint("net.ipv4.tcp_syn_retries = 0", kernel: "6.18")
        #expect(try #require(result.figures.first { $0.name == .synGiveUp }).value == 131)
        #expect(!result.findings.contains { $0.rule == "tcp-syn-retries-low" }, "hazard rules judge what the kernel keeps")
    }

    @Test func refusedValueIsInTheJSONInputs() throws {
        let json = JSONReporter().render(Fixtures.lint("net.ipv4.tcp_rto_max_ms = 500", kernel: "6.18"), toolVersion: "test")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let computed = try #require(object["computed"] as? [[String: Any]])
        let retries = try #require(computed.first { $0["name"] as? String == "retries2_giveup" })
        #expect(retries["kind"] as? String == "lower_bound")
        let inputs = try #require(retries["inputs"] as? [String: [String: Any]])
        let rejected = try #require(inputs["net.ipv4.tcp_rto_max_ms"]?["rejected"] as? [[String: String]])
        #expect(rejected == [["value": "500", "source": "test.conf:1"]])
    }

    // MARK: Budgets are lower bounds

    @Test func retries2GivesUpAfterTheBudget() throws {
        // ip-sysctl.rst: the budget is "a lower bound for the effective timeout"; tcp_retries2 = 3 measured 6.69 s
        // on 6.18 with an RTO of about 211 ms.
        let figure = try #require(Fixtures.figure(.retries2GiveUp, "net.ipv4.tcp_retries2 = 3", kernel: "6.18"))
        #expect(figure.value == 3 && figure.kind == .lowerBound)
        #expect(figure.giveUp.map(\.seconds) == [6.2, 7])
        #expect(figure.schedule == [0.2, 0.6, 1.4, 3], "the give-up point is not a retransmission")
        #expect(TextReporter.giveUpText(figure) == "; gives up at about 6.2s (RTO 200 ms) or 7s (RTO 1 s)")
    }

    @Test func synTimingBefore2636() throws {
        // 2.6.32–2.6.35 budget the SYN against TCP_RTO_MIN while the first SYN waits 3 s; 2.6.36 uses TCP_TIMEOUT_INIT.
        #expect(try #require(Fixtures.figure(.synGiveUp, "net.ipv4.tcp_syn_retries = 5", kernel: "2.6.32")).value == 21)
        #expect(try #require(Fixtures.figure(.synGiveUp, "net.ipv4.tcp_syn_retries = 5", kernel: "2.6.36")).value == 189)
    }

    @Test func hugeBoundariesStayBounded() throws {
        // 2.6.32–5.12 accept any int for tcp_retries2 (proc_dointvec); the model must not trap or loop.
        let figure = try #require(Fixtures.figure(.retries2GiveUp, "net.ipv4.tcp_retries2 = 2147483647", kernel: "4.19"))
        #expect(figure.value >= 1e8, "beyond three years the model stops counting steps")
        #expect((figure.schedule?.count ?? 0) <= TimeoutModel.listedRetransmissions)
        #expect(try #require(Fixtures.figure(.synGiveUp, "net.ipv4.tcp_syn_retries = 2147483647", kernel: "2.6.32")).value > 0)
        // proc_dointvec before 5.13 takes any int for tcp_synack_retries: the schedule is listed up to its limit.
        let synack = try #require(Fixtures.figure(.synackGiveUp, "net.ipv4.tcp_synack_retries = 1000000000", kernel: "4.19"))
        #expect(synack.value > 1e9 && (synack.schedule?.count ?? 0) == TimeoutModel.listedRetransmissions)
    }

    // MARK: Interactions inside one configuration

    @Test func reservedPortsShrinkTheRange() throws {
        let config = "net.ipv4.ip_local_reserved_ports = 40000-40999,50000,70\nnet.ipv4.ip_local_port_range = 32768 60999"
        #expect(try #require(Fixtures.figure(.ephemeralPorts, config, kernel: "6.18")).value == 28232 - 1001)
    }

    @Test func twReuseScope() throws {
        let global = try #require(Fixtures.figure(.connectRatePerDestination, "net.ipv4.tcp_tw_reuse = 1", kernel: "6.18"))
        #expect(global.value == 28232 && global.formula.contains("peers that also send timestamps"))
        // 2 means loopback only from 4.18 (79e9fed46038); before, any non-zero value is global.
        let loopback = try #require(Fixtures.figure(.connectRatePerDestination, "net.ipv4.tcp_tw_reuse = 2", kernel: "6.18"))
        #expect(loopback.value == 470.53 && loopback.formula.contains("loopback"))
        #expect(try #require(Fixtures.figure(.connectRatePerDestination, "net.ipv4.tcp_tw_reuse = 2", kernel: "4.14")).value == 28232)
        // Without timestamps there is no reuse.
        let off = "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 0"
        #expect(try #require(Fixtures.figure(.connectRatePerDestination, off, kernel: "6.18")).value == 470.53)
        // tcp_tw_reuse_delay (6.14+) sets the age in ms.
        let delayed = "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_tw_reuse_delay = 2000"
        #expect(try #require(Fixtures.figure(.connectRatePerDestination, delayed, kernel: "6.18")).value == 14116)
    }

    @Test func noTimeWaitBuckets() throws {
        let result = Fixtures.lint("net.ipv4.tcp_max_tw_buckets = 0\nnet.ipv4.tcp_fin_timeout = 30", kernel: "6.18")
        let byName = Dictionary(uniqueKeysWithValues: result.figures.map { ($0.name, $0) })
        #expect(byName[.timeWait]?.value == 0)
        #expect(byName[.finWait2Lifetime]?.value == 0)
        #expect(byName[.connectRatePerDestination] == nil, "with no TIME_WAIT the port rate has no TIME_WAIT bound")
        // Negative: none before 5.18 (signed compare), unlimited after.
        #expect(try #require(Fixtures.figure(.timeWait, "net.ipv4.tcp_max_tw_buckets = -1", kernel: "5.15")).value == 0)
        #expect(try #require(Fixtures.figure(.timeWait, "net.ipv4.tcp_max_tw_buckets = -1", kernel: "6.18")).value == 60)
    }

    @Test func twRecycleShortensTimeWait() throws {
        // tcp_time_wait() (4.9.154): 3.5 × RTO for peers with timestamps while tcp_tw_recycle is on.
        #expect(try #require(Fixtures.figure(.timeWait, "net.ipv4.tcp_tw_recycle = 1", kernel: "4.9")).value == 0.7)
        #expect(try #require(Fixtures.figure(.timeWait, "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 0", kernel: "4.9")).value == 60)
    }

    @Test func loweredRtoMaxShortensBudgetsAndOrphans() throws {
        let config = "net.ipv4.tcp_rto_max_ms = 5000"
        #expect(try #require(Fixtures.figure(.retries2GiveUp, config, kernel: "6.18")).value == 61.2)
        // tcp_orphan_retries(): 0 means 8 only while the RTO is below the cap; at 5 s the orphan goes at 11.2 s.
        let orphan = try #require(Fixtures.figure(.orphanGiveUp, config, kernel: "6.18"))
        #expect(orphan.value == 11.2 && orphan.kind == .estimate)
        #expect(Fixtures.lint(config, kernel: "6.18").findings.contains { $0.rule == "tcp-rto-max-shortens-retries" })
    }

    // MARK: Verdicts per era

    @Test func syncookiesModes() {
        // 5ad37d5deee1 (3.12) added 2 = always; the code tests == 2, so 3 behaves like 1.
        #expect(Fixtures.lint("net.ipv4.tcp_syncookies = 2", kernel: "6.18").findings.contains { $0.rule == "tcp-syncookies-always" })
        #expect(!Fixtures.lint("net.ipv4.tcp_syncookies = 2", kernel: "3.10").findings.contains { $0.rule == "tcp-syncookies-always" })
        #expect(!Fixtures.lint("net.ipv4.tcp_syncookies = 3", kernel: "6.18").findings.contains { $0.rule == "tcp-syncookies-always" })
    }

    @Test func sanePageTripleIsNotBytes() {
        #expect(!Fixtures.lint("net.ipv4.tcp_mem = 98304 131072 196608").findings.contains { $0.rule == "tcp-mem-in-bytes" })
        #expect(Fixtures.lint("net.ipv4.tcp_mem = 4096 87380 16777216").findings.contains { $0.rule == "tcp-mem-in-bytes" })
    }

    @Test func runningDefaultIsNeverAFinding() {
        // route.max_size is INT_MAX on every kernel since 3.6 (ip_rt_init()); a live host's value is no tuning.
        var snapshot = RuntimeSnapshot(source: "test")
        snapshot.entries = [.init(key: "kernel.osrelease", value: "6.8.0-45-generic", line: 1),
                            .init(key: "net.ipv4.route.max_size", value: "2147483647", line: 2),
                            .init(key: "net.ipv4.route.gc_timeout", value: "300", line: 3)]
        let result = Linter(knowledge: Fixtures.knowledge).lint(LintRequest(config: [], runtime: snapshot))
        #expect(result.findings.filter { $0.rule.hasPrefix("route-") }.isEmpty, "\(result.findings.map(\.message))")
    }

    @Test func referencesArePublic() {
        for rule in Fixtures.knowledge.rules {
            #expect(!rule.references.contains { $0.contains("../shared") || $0.contains("/work/") }, "\(rule.id)")
        }
    }

    @Test func everyVersionedFactNamesWhereItWasVerified() {
        for parameter in Fixtures.knowledge.catalogue.parameters {
            let versioned = parameter.since != nil || parameter.removed != nil || !parameter.bounds.isEmpty
                || parameter.defaults.contains { $0.from != nil }
            guard versioned else { continue }
            #expect(parameter.verified?.isEmpty == false, "\(parameter.key) (rules/kernel/parameters.yaml:\(parameter.line))")
        }
    }
}
