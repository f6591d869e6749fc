/// What a host's sockets prove, as findings: which hazard is happening, which setting it involves, and when no
/// setting can help. The numbers come from the census and from the kernel model run on the host's own values
/// (the same figures `check` computes), so "21,400 of 28,232 ports" uses the port range the host really has.
public struct SocketVerdicts {
    public let evidence: Evidence
    public let census: SocketCensus
    /// The host's values through the kernel model: its figures and its kernel.
    public let model: LintResult

    public init(evidence: Evidence, knowledge: Knowledge, kernel: KernelVersion? = nil) {
        self.evidence = evidence
        census = SocketCensus(evidence.sockets, backlogsKnown: evidence.backlogsKnown)
        var snapshot = RuntimeSnapshot(source: evidence.source)
        snapshot.isComplete = false
        for key in evidence.settings.keys.sorted() { snapshot.append(key: key, value: evidence.settings[key] ?? "", line: 1) }
        model = Linter(knowledge: knowledge).lint(LintRequest(runtime: snapshot, evaluate: .runtime, kernel: kernel))
    }

    /// A group this small is ordinary traffic, not a pile-up: reported as info, not as a warning.
    static let pileUp = 100

    public var findings: [Finding] {
        closeWait() + timeWaitPorts() + timeWaitBuckets() + listenerQueues() + orphans() + fileHandles() + openFiles() + attribution()
    }

    // MARK: Settings and figures

    func setting(_ key: String) -> Int64? {
        evidence.settings[key].flatMap { Int64($0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") }
    }

    func figure(_ name: ComputedFigure.Name) -> ComputedFigure? { model.figures.first { $0.name == name } }

    func counterText(_ names: String...) -> String {
        let readings = names.compactMap { evidence.counter($0) }
        guard !readings.isEmpty else { return "" }
        return " (" + readings.map { $0.described(uptime: evidence.uptime) }.joined(separator: ", ") + ")"
    }

    private func finding(_ rule: String, _ severity: Severity, key: String? = nil, value: String? = nil,
                         _ message: String, fix: String? = nil) -> Finding {
        // A verdict is about the host, not a line of one of the files read: it has no location.
        Finding(rule: rule, severity: severity, key: key, value: value, location: nil, message: message, fix: fix)
    }

    // MARK: CLOSE_WAIT

    func closeWait() -> [Finding] {
        census.closeWait.prefix(SocketCensus.listLimit).map { group in
            let holder = group.process.map { "held by \($0)" } ?? (evidence.processesKnown ? "held by a process whose descriptors could not be read" : "(no process information in this evidence)")
            var message = "\(group.count) socket\(group.count == 1 ? "" : "s") in CLOSE_WAIT on local port \(group.localPort), \(holder): "
                + "the peer has closed its side and the application has not called close(). No sysctl ends a CLOSE_WAIT whose peer is alive: "
                + "keepalive only probes SO_KEEPALIVE sockets with a silent peer, tcp_fin_timeout governs orphaned FIN_WAIT2 sockets (the other end), "
                + "and tcp_retries2 applies only while unacknowledged data is retransmitted; even when a probe resets the connection, the descriptor stays open until close()"
            if group.retransmitting > 0 {
                let budget = figure(.retries2GiveUp).map { " (at least \($0.displayValue))" } ?? ""
                message += ". \(group.retransmitting) of them have unacknowledged data with the retransmission timer on: the kernel gives up on those after tcp_retries2\(budget)"
            }
            if group.notAccepted > 0 {
                message += ". \(group.notAccepted) were never accept()ed: they wait in the listener's accept queue"
            }
            if let peer = group.peers.first, group.count > 1 {
                message += ". Most are from \(peer.endpoint.address) (\(peer.count))"
            }
            return finding("sockets-close-wait", group.count >= Self.pileUp ? .warning : .info, message,
                           fix: "fix the application's close path: when read() returns 0 (the peer closed), close the socket; `ss -tanp state close-wait` lists the holders")
        }
    }

    // MARK: TIME_WAIT

    func timeWaitPorts() -> [Finding] {
        guard let ports = figure(.ephemeralPorts), ports.value > 0 else { return [] }
        let capacity = Int(min(ports.value, 1e9))
        let reuse = setting("net.ipv4.tcp_tw_reuse")
        // The reuse delay is 1 s, and tcp_tw_reuse_delay (milliseconds) from 6.14 (FigureCalculator.twReuse).
        let delayMs = model.kernel >= KernelVersion(6, 14) ? (setting("net.ipv4.tcp_tw_reuse_delay").flatMap { $0 > 0 ? $0 : nil } ?? 1000) : 1000
        let delay = Format.number(Double(delayMs) / 1000) + " s"
        let timestamps = setting("net.ipv4.tcp_timestamps")
        return census.clientTimeWait.compactMap { destination in
            let share = Double(destination.count) / Double(capacity)
            guard share >= 0.1 || destination.count >= 1000 else { return nil }
            var message = "\(destination.count) of \(capacity) local ports toward \(destination.endpoint) are in TIME_WAIT (\(Int((share * 100).rounded()))%): "
                + "this host closes first as the client, and each closed connection keeps its port toward that destination for 60 s (fixed in the kernel; tcp_fin_timeout does not change it); "
                + "connect() fails with EADDRNOTAVAIL when none is left. Connection pooling or keepalive in the client is the fix"
            let loopback = destination.endpoint.address.isLoopback
            switch reuse {
            case 1?:
                message += timestamps == 0
                    ? "; tcp_tw_reuse = 1 is set but tcp_timestamps = 0, and reuse needs timestamps"
                    : "; tcp_tw_reuse = 1 already lets connect() reuse these ports after \(delay) when the peer sends timestamps: a pile-up means the peer does not, or the rate is higher still"
            case 2? where loopback:
                message += "; tcp_tw_reuse = 2 already reuses ports toward loopback destinations like this one"
            default:
                message += "; tcp_tw_reuse = 1 would help this host as a client (connect() reuses a TIME_WAIT port after \(delay), to peers that send timestamps)"
            }
            return finding("sockets-time-wait-ports", share >= 0.5 ? .warning : .info, key: "net.ipv4.ip_local_port_range",
                           value: evidence.settings["net.ipv4.ip_local_port_range"], message,
                           fix: "reuse connections in the client (a pool, HTTP keepalive); then consider net.ipv4.tcp_tw_reuse = 1 for this client host")
        }
    }

    func timeWaitBuckets() -> [Finding] {
        guard let buckets = setting("net.ipv4.tcp_max_tw_buckets"), buckets > 0 else { return [] }
        let counted = Int64(census.byState[.timeWait] ?? 0)
        let total = max(counted, evidence.sockstat?.timeWait ?? 0)
        guard Double(total) >= 0.8 * Double(buckets) else { return [] }
        let full = total >= buckets
        let message = "\(total) sockets in TIME_WAIT against tcp_max_tw_buckets = \(buckets)\(counterText("TcpExtTCPTimeWaitOverflow")): "
            + (full ? "the table is full, so closing connections skip TIME_WAIT and late segments of an old connection can reach a new one with the same ports"
                    : "close to the limit; beyond it connections skip TIME_WAIT")
        return [finding("sockets-time-wait-buckets", full ? .warning : .info, key: "net.ipv4.tcp_max_tw_buckets", value: String(buckets), message,
                        fix: "find who closes first (see the per-destination counts) and reuse connections; raise tcp_max_tw_buckets only if memory allows (each bucket is a small minisocket)")]
    }

    // MARK: Listeners

    func listenerQueues() -> [Finding] {
        let somaxconn = setting("net.core.somaxconn")
        var findings: [Finding] = []
        for listener in census.listeners {
            let owner = listener.process.map { " (\($0))" } ?? ""
            if let backlog = listener.backlog, backlog > 0 || listener.acceptQueue > 0 {
                // sk_acceptq_is_full: sk_ack_backlog > sk_max_ack_backlog, so backlog + 1 connections fit.
                if listener.acceptQueue > backlog {
                    findings.append(finding("sockets-accept-queue", .warning, key: "net.core.somaxconn", value: somaxconn.map(String.init),
                        "the accept queue of \(listener.endpoint)\(owner) is full: \(listener.acceptQueue) connections wait for accept() with a backlog of \(backlog) (min(listen() backlog, somaxconn\(somaxconn.map { " = \($0)" } ?? "")); the queue holds backlog + 1); new connections are dropped\(counterText("TcpExtListenOverflows", "TcpExtListenDrops")). The application is not accepting fast enough; a larger backlog only buys time",
                        fix: "make the application accept() faster (more workers); raise its listen() backlog and net.core.somaxconn together if bursts are the cause"))
                }
            } else if listener.acceptQueue >= 10 {
                findings.append(finding("sockets-accept-queue", .info, key: "net.core.somaxconn", value: somaxconn.map(String.init),
                    "\(listener.acceptQueue) connections wait for accept() on \(listener.endpoint)\(owner); the backlog is not in /proc/net/tcp (ss -tln shows it as Send-Q), and is at most somaxconn\(somaxconn.map { " = \($0)" } ?? "")\(counterText("TcpExtListenOverflows"))",
                    fix: "compare with `ss -tln`: a Recv-Q that reaches Send-Q means the queue is full"))
            }
            let synLimit = listener.backlog
            if listener.synReceived >= Self.pileUp || (synLimit.map { $0 > 0 && listener.synReceived * 2 >= $0 } ?? false) {
                let cookies = setting("net.ipv4.tcp_syncookies")
                let full = synLimit.map { listener.synReceived >= $0 } ?? false
                findings.append(finding("sockets-syn-queue", full && cookies == 0 ? .warning : .info, key: "net.ipv4.tcp_syncookies", value: cookies.map(String.init),
                    "\(listener.synReceived) half-open (SYN_RECV) connections on \(listener.endpoint)\(owner)\(synLimit.map { " against a SYN queue of \($0) (the listener's backlog; tcp_max_syn_backlog caps it further)" } ?? ""): "
                        + (cookies == 0 ? "tcp_syncookies = 0, so SYNs beyond the queue are dropped" : "with tcp_syncookies on, SYNs beyond the queue are answered with cookies")
                        + counterText("TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies", "TcpExtSyncookiesSent"),
                    fix: "a SYN flood or clients that never complete the handshake; keep net.ipv4.tcp_syncookies = 1"))
            }
        }
        return findings
    }

    // MARK: Orphans, files

    func orphans() -> [Finding] {
        var findings: [Finding] = []
        if let orphans = evidence.sockstat?.orphans, let limit = setting("net.ipv4.tcp_max_orphans"), limit > 0,
           orphans > limit / 4 {
            let full = orphans > limit
            findings.append(finding("sockets-orphans", full ? .warning : .info, key: "net.ipv4.tcp_max_orphans", value: String(limit),
                "\(orphans) orphaned sockets (closed by their application, still finishing in the kernel) against tcp_max_orphans = \(limit)\(counterText("TcpExtTCPAbortOnMemory")): "
                    + (full ? "beyond the limit the kernel resets orphans at once (\"TCP: too many orphaned sockets\")"
                            : "orphans idle for long or with errors count double or fourfold (tcp_check_oom), so the kernel may already reset some"),
                fix: "see which states they are in (FIN_WAIT1, LAST_ACK, CLOSING): peers that stop reading keep them; tcp_orphan_retries bounds them"))
        }
        // A quarter of all sockets in FIN_WAIT2 (and at least ten) is a pattern, not a moment of traffic.
        let finWait2 = census.byState[.finWait2] ?? 0
        if finWait2 >= 10 && finWait2 * 4 >= census.total {
            let lifetime = setting("net.ipv4.tcp_fin_timeout").map { " (\($0) s)" } ?? ""
            findings.append(finding("sockets-fin-wait2", .info, key: "net.ipv4.tcp_fin_timeout", value: evidence.settings["net.ipv4.tcp_fin_timeout"],
                "\(finWait2) sockets in FIN_WAIT2: this host closed and the peer has not. Orphaned ones (the application closed them) end after tcp_fin_timeout\(lifetime); a socket the application shut down but still holds waits for the peer without limit",
                fix: "the peer's application is slow to close (its side shows CLOSE_WAIT)"))
        }
        return findings
    }

    func fileHandles() -> [Finding] {
        guard let handles = evidence.fileHandles, handles.maximum > 0, Double(handles.allocated) >= 0.8 * Double(handles.maximum) else { return [] }
        return [finding("sockets-file-handles", .warning, key: "fs.file-max", value: String(handles.maximum),
            "\(handles.allocated) of fs.file-max = \(handles.maximum) file handles are allocated system-wide (fs.file-nr): at the limit every open() and socket() fails with ENFILE (\"VFS: file-max limit reached\")",
            fix: "find the process holding the most descriptors; raise fs.file-max if the load is real")]
    }

    func openFiles() -> [Finding] {
        let nrOpen = setting("fs.nr_open")
        return evidence.processes.filter { process in
            guard let soft = process.softLimit, soft > 0 else { return false }
            return Double(process.openFiles) >= 0.8 * Double(soft)
        }.sorted { $0.openFiles > $1.openFiles }.prefix(SocketCensus.listLimit).map { process in
            let soft = process.softLimit ?? 0
            let hard = process.hardLimit.map(String.init) ?? "unlimited"
            return finding("sockets-open-files", .warning, key: "fs.nr_open", value: nrOpen.map(String.init),
                "\(process.process) has \(process.openFiles) open files of its RLIMIT_NOFILE soft limit \(soft) (hard \(hard)): at the limit accept(), socket() and open() fail with EMFILE (\"Too many open files\"). This is a per-process limit, not fs.file-max; the hard limit can be raised only up to fs.nr_open\(nrOpen.map { " = \($0)" } ?? "")",
                fix: "raise the service's limit (systemd LimitNOFILE=, /etc/security/limits.conf nofile) after checking it does not leak descriptors (CLOSE_WAIT sockets are one leak)")
        }
    }

    func attribution() -> [Finding] {
        guard evidence.unattributedSockets > 0 else { return [] }
        return [finding("sockets-unattributed", .info,
            "\(evidence.unattributedSockets) socket\(evidence.unattributedSockets == 1 ? "" : "s") could not be tied to a process: "
                + (evidence.unreadableProcesses > 0
                    ? "\(evidence.unreadableProcesses) processes' /proc/PID/fd could not be read (run as root to name every holder)"
                    : "no process visible here holds them (a process in another PID namespace, or one that exited during the walk)"))]
    }
}
