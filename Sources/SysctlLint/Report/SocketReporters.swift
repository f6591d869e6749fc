/// `sysctl-lint sockets` in text: the census, the counters, then the verdicts with the settings they involve.
/// Everything taken from the evidence (process names, file names) is escaped as in every text report.
public struct SocketTextReporter {
    public init() {}

    public func render(_ verdicts: SocketVerdicts, findings: [Finding]) -> String {
        let evidence = verdicts.evidence, census = verdicts.census
        var out = "Sockets on \(DisplayText.escaped(evidence.source))"
        out += " (Linux \(verdicts.model.kernel)\(verdicts.model.kernelAssumed ? ", assumed" : "")"
        if let uptime = evidence.uptime { out += ", up \(CounterReading.days(uptime))" }
        out += ")\n  read: " + evidence.files.map(DisplayText.escaped).joined(separator: ", ") + "\n\n"
        let states = census.byState.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        out += "\(census.total) TCP socket\(census.total == 1 ? "" : "s"): " + states.map { "\($0.key.name) \($0.value)" }.joined(separator: ", ") + "\n"
        if !census.listeners.isEmpty {
            out += "\nListening (accept queue / backlog, SYN_RECV, connections by state):\n"
            for listener in census.listeners.prefix(SocketCensus.listLimit * 2) {
                let backlog = listener.backlog.map(String.init) ?? "?"
                let connections = (census.perListeningPort[listener.endpoint.port] ?? [:]).sorted { $0.key < $1.key }
                    .map { "\($0.key.name) \($0.value)" }.joined(separator: ", ")
                out += "  \(listener.endpoint.description.padding(22)) \((listener.process.map { DisplayText.escaped($0.description) } ?? "-").padding(24)) "
                out += "queue \(listener.acceptQueue)/\(backlog), SYN_RECV \(listener.synReceived)\(connections.isEmpty ? "" : "; " + connections)\n"
            }
            if census.listeners.contains(where: { $0.backlog == nil }) {
                out += "  (/proc/net/tcp does not show backlogs: `ss -tln` prints them as Send-Q)\n"
            }
        }
        if !census.closeWait.isEmpty {
            out += "\nCLOSE_WAIT by holder and local port:\n"
            for group in census.closeWait.prefix(SocketCensus.listLimit) {
                let holder = group.process.map { DisplayText.escaped($0.description) } ?? "-"
                out += "  \(String(group.count).padding(8)) port \(String(group.localPort).padding(6)) \(holder)"
                if group.retransmitting > 0 { out += ", \(group.retransmitting) retransmitting" }
                if group.notAccepted > 0 { out += ", \(group.notAccepted) not accepted" }
                out += "\n"
            }
        }
        if !census.clientTimeWait.isEmpty {
            let capacity = verdicts.figure(.ephemeralPorts).map { " (\(Format.number(min($0.value, 1e15))) local ports for each destination)" } ?? ""
            out += "\nTIME_WAIT as the client, by destination\(capacity):\n"
            for destination in census.clientTimeWait.prefix(10) { out += "  \(String(destination.count).padding(8)) \(destination.endpoint)\n" }
        }
        if census.serverTimeWait > 0 {
            out += "\nTIME_WAIT on listening ports: \(census.serverTimeWait) (this host closed first as the server; no local port is used up)\n"
        }
        let counters = Self.shownCounters.compactMap { evidence.counter($0) }
        if !counters.isEmpty {
            out += "\nCounters " + (evidence.interval.map { "over \(Format.number($0)) s" } ?? "since boot") + ":\n"
            for reading in counters {
                out += "  \(reading.name.padding(30)) \(reading.delta.map { "+\($0)" } ?? String(reading.sinceBoot))\n"
            }
        }
        if let handles = evidence.fileHandles { out += "\nFile handles (fs.file-nr): \(handles.allocated) of \(handles.maximum)\n" }
        if let orphans = evidence.sockstat?.orphans { out += "Orphaned sockets (sockstat): \(orphans)\n" }
        out += "\n"
        let shown = findings.map(\.forDisplay)
        if shown.isEmpty {
            out += "No verdicts: nothing in these sockets points at a setting or an application.\n"
        } else {
            for finding in shown {
                out += "\(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
                if let fix = finding.fix { out += "    fix: \(fix)\n" }
            }
        }
        for note in evidence.notes.prefix(20).map(\.forDisplay) {
            out += "note: \(note.location.map { "\($0.file):\($0.line): " } ?? "")\(note.message)\n"
        }
        if evidence.notes.count > 20 { out += "note: \(evidence.notes.count - 20) more lines could not be read\n" }
        return out
    }

    /// The counters the verdicts and the evidence catalogue use, in the order a reader follows them.
    static let shownCounters = [
        "TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies", "TcpExtSyncookiesSent",
        "TcpExtTCPTimeWaitOverflow", "TcpExtTW", "TcpExtTWRecycled", "TcpExtPAWSPassive", "TcpExtTCPAbortOnTimeout",
        "TcpExtTCPAbortOnMemory", "TcpExtTCPAbortOnClose", "TcpExtTCPKeepAlive", "TcpExtTCPSynRetrans", "TcpAttemptFails",
    ]
}

/// `sysctl-lint sockets --format json`: the census, counters and verdicts as a document for other tools (a
/// contract like the check report: fields are added, never renamed or removed).
public struct SocketJSONReporter {
    public init() {}

    public func render(_ verdicts: SocketVerdicts, findings: [Finding], toolVersion: String) -> String {
        let evidence = verdicts.evidence, census = verdicts.census
        var states: [(key: String, value: JSONValue)] = []
        for (state, count) in census.byState.sorted(by: { $0.key < $1.key }) { states.append((state.name, .int(count))) }
        let listeners: [JSONValue] = census.listeners.map { listener in
            var object: JSONValue = ["address": .string(listener.endpoint.description), "port": .int(Int(listener.endpoint.port)),
                                     "accept_queue": .int(listener.acceptQueue), "syn_recv": .int(listener.synReceived),
                                     "backlog": JSONValue(listener.backlog)]
            object["process"] = Self.process(listener.process)
            return object
        }
        let closeWait: [JSONValue] = census.closeWait.map { group in
            ["local_port": .int(Int(group.localPort)), "count": .int(group.count), "retransmitting": .int(group.retransmitting),
             "not_accepted": .int(group.notAccepted), "process": Self.process(group.process),
             "peers": .array(group.peers.map { ["address": .string($0.endpoint.address.description), "count": .int($0.count)] })]
        }
        var counters: [(key: String, value: JSONValue)] = []
        for name in evidence.counters.keys.sorted() {
            guard let reading = evidence.counter(name) else { continue }
            var entry: JSONValue = ["since_boot": .int(Int(reading.sinceBoot))]
            if let delta = reading.delta { entry["delta"] = .int(Int(delta)) }
            counters.append((name, entry))
        }
        var report: JSONValue = [
            "schema_version": .int(JSONReporter.schemaVersion),
            "tool": ["name": "sysctl-lint", "version": .string(toolVersion)],
            "source": .string(evidence.source),
            "files": JSONValue(evidence.files),
            "kernel": .string(verdicts.model.kernel.description),
            "kernel_assumed": .bool(verdicts.model.kernelAssumed),
            "census": [
                "total": .int(census.total),
                "states": .object(states),
                "listeners": .array(listeners),
                "close_wait": .array(closeWait),
                "time_wait_client_destinations": .array(census.clientTimeWait.map { ["destination": .string($0.endpoint.description), "count": .int($0.count)] }),
                "time_wait_server": .int(census.serverTimeWait),
                "top_remotes": .array(census.topRemotes.map { ["endpoint": .string($0.endpoint.description), "count": .int($0.count)] }),
                "processes_known": .bool(evidence.processesKnown),
                "unattributed_sockets": .int(evidence.unattributedSockets),
            ],
            "counters": .object(counters),
            "findings": .array(findings.map(JSONReporter.object)),
            "notes": .array(evidence.notes.map(JSONReporter.object)),
            "computed": JSONReporter.figures(verdicts.model.figures),
        ]
        if let uptime = evidence.uptime { report["uptime_seconds"] = .double(uptime) }
        if let interval = evidence.interval { report["interval_seconds"] = .double(interval) }
        if let handles = evidence.fileHandles { report["file_handles"] = ["allocated": .int(Int(handles.allocated)), "max": .int(Int(handles.maximum))] }
        if let sockstat = evidence.sockstat {
            report["sockstat"] = ["in_use": JSONValue(sockstat.inUse.map(Int.init)), "orphans": JSONValue(sockstat.orphans.map(Int.init)),
                                  "time_wait": JSONValue(sockstat.timeWait.map(Int.init)), "memory_pages": JSONValue(sockstat.memoryPages.map(Int.init))]
        }
        return JSONReporter.serialise(report, pretty: true) + "\n"
    }

    static func process(_ process: ProcessName?) -> JSONValue {
        guard let process else { return .null }
        return ["pid": .int(Int(process.pid)), "command": .string(process.command)]
    }
}
