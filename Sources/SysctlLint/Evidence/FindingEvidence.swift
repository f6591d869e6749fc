/// What the kernel's counters say about a finding: the hazard is happening (confirmed), has not happened since
/// boot or over the measured interval (contradicted), or cannot be told from this kernel (no evidence).
public struct FindingEvidence: Sendable, Hashable {
    public enum Status: String, Sendable {
        case confirmed, contradicted
        case noEvidence = "no_evidence"

        /// How the text report says it.
        public var phrase: String {
            switch self {
            case .confirmed: "confirmed"
            case .contradicted: "not seen"
            case .noEvidence: "no evidence"
            }
        }
    }

    public var status: Status
    public var counters: [CounterReading]
    /// One sentence: the counters and what they count.
    public var summary: String
}

/// Which counters prove or clear which rule's hazard (net/ipv4/proc.c `snmp4_net_list`; each counter's meaning is
/// where the kernel increments it, as the README's "Socket evidence" table lists with releases).
public enum EvidenceCatalogue {
    struct Entry {
        var counters: [String]
        /// What a non-zero count means, in the words of the finding.
        var meaning: String
        /// Why a counter can be missing, when it is absent on some kernels.
        var missing: String?
    }

    static let entries: [String: Entry] = {
        let overflow = Entry(counters: ["TcpExtListenOverflows"], meaning: "connections dropped because an accept queue was full")
        let timeout = Entry(counters: ["TcpExtTCPAbortOnTimeout"], meaning: "connections killed by retransmission, zero-window or keepalive timeouts")
        let buckets = Entry(counters: ["TcpExtTCPTimeWaitOverflow"], meaning: "connections closed without TIME_WAIT because tcp_max_tw_buckets was reached")
        return [
            "tcp-tw-recycle": Entry(counters: ["TcpExtPAWSPassive"], meaning: "SYNs from clients dropped by tcp_tw_recycle's per-host timestamp check (clients behind NAT)",
                                    missing: "PAWSPassive left the kernel with tcp_tw_recycle in 4.12 (commit 4396e46187ca)"),
            "tcp-max-tw-buckets-low": buckets,
            "tcp-max-tw-buckets-zero": buckets,
            "somaxconn-low": overflow,
            "tcp-abort-on-overflow": overflow,
            "syn-backlog-capped-by-somaxconn": Entry(counters: ["TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies"], meaning: "SYNs that found the SYN queue full (dropped, or answered with a cookie)"),
            "tcp-syncookies-off": Entry(counters: ["TcpExtTCPReqQFullDrop"], meaning: "SYNs dropped because the SYN queue was full, which syncookies would have answered"),
            "tcp-syncookies-always": Entry(counters: ["TcpExtSyncookiesSent"], meaning: "SYN-ACKs sent with a cookie"),
            "tcp-retries2-low": timeout,
            "tcp-rto-max-shortens-retries": timeout,
            "tcp-syn-retries-low": Entry(counters: ["TcpExtTCPSynRetrans", "TcpAttemptFails"], meaning: "SYN and SYN-ACK retransmissions and failed connection attempts",
                                         missing: "TCPSynRetrans is missing before 4.x kernels (absent in 3.10)"),
            "tcp-synack-retries-low": Entry(counters: ["TcpExtTCPSynRetrans"], meaning: "SYN and SYN-ACK retransmissions",
                                            missing: "TCPSynRetrans is missing before 4.x kernels (absent in 3.10)"),
            "tcp-keepalive-time-short": Entry(counters: ["TcpExtTCPKeepAlive"], meaning: "keepalive probes sent",
                                              missing: "TCPKeepAlive is missing on 3.10 kernels"),
        ]
    }()

    /// The rules whose findings counters can prove or clear.
    public static var rules: [String] { entries.keys.sorted() }

    /// Evidence for one finding, or nil when no counter speaks to its rule.
    public static func evidence(for finding: Finding, in evidence: Evidence) -> FindingEvidence? {
        self.evidence(for: finding, in: evidence, states: stateCounts(evidence))
    }

    /// `states`: the sockets by state, counted once for all the findings of a run.
    static func evidence(for finding: Finding, in evidence: Evidence, states: [TCPState: Int]?) -> FindingEvidence? {
        if finding.rule == "tcp-keepalive-close-wait" || finding.rule == "tcp-fin-timeout-not-time-wait" {
            return census(for: finding, states: states)
        }
        guard let entry = entries[finding.rule] else { return nil }
        guard evidence.hasCounters else {
            return FindingEvidence(status: .noEvidence, counters: [], summary: "no counters were read (/proc/net/netstat, nstat output)")
        }
        let readings = entry.counters.compactMap { evidence.counter($0) }
        guard !readings.isEmpty else {
            return FindingEvidence(status: .noEvidence, counters: [],
                                   summary: "this kernel has no \(entry.counters.joined(separator: " or ")) counter" + (entry.missing.map { ": \($0)" } ?? ""))
        }
        let shown = readings.map { $0.described(uptime: evidence.uptime) }.joined(separator: ", ")
        let happened = readings.contains { $0.observed > 0 }
        let over = readings.first?.delta != nil ? "over the interval" : "since boot"
        return FindingEvidence(status: happened ? .confirmed : .contradicted, counters: readings,
                               summary: happened ? "\(shown): \(entry.meaning)" : "\(shown): no \(entry.meaning) \(over)")
    }

    /// Keepalive and fin_timeout folklore is about socket states, which the census counts.
    static func census(for finding: Finding, states counts: [TCPState: Int]?) -> FindingEvidence? {
        guard let counts else { return nil }
        if finding.rule == "tcp-keepalive-close-wait" {
            let count = counts[.closeWait] ?? 0
            return FindingEvidence(status: count > 0 ? .confirmed : .contradicted, counters: [],
                                   summary: count > 0 ? "\(count) sockets are in CLOSE_WAIT now; `sysctl-lint sockets` names their holders" : "no socket is in CLOSE_WAIT now")
        }
        let count = counts[.timeWait] ?? 0
        return FindingEvidence(status: count > 0 ? .confirmed : .contradicted, counters: [],
                               summary: "\(count) sockets are in TIME_WAIT now, which tcp_fin_timeout does not shorten")
    }

    /// The findings with evidence attached where a counter or the census speaks to them.
    public static func attach(to findings: [Finding], from evidence: Evidence) -> [Finding] {
        let states = stateCounts(evidence)
        return findings.map { finding in
            var finding = finding
            finding.evidence = Self.evidence(for: finding, in: evidence, states: states)
            return finding
        }
    }

    /// Sockets by state; nil when the evidence holds no socket table.
    static func stateCounts(_ evidence: Evidence) -> [TCPState: Int]? {
        guard !evidence.sockets.isEmpty else { return nil }
        var counts: [TCPState: Int] = [:]
        for socket in evidence.sockets { counts[socket.state, default: 0] += 1 }
        return counts
    }
}
