import Foundation

/// Gathers `Evidence` from the running host or from saved copies of its files.
///
/// Saved evidence is recognised by content, not by name, so any of these in a folder (or given as one file) is
/// read: copies of /proc/net/{tcp,tcp6,netstat,snmp,sockstat}, /proc/uptime and fs.file-nr; `ss -tanp` output;
/// `nstat -a -j` JSON or `nstat -a`/`-zas` text; `sysctl -a` output (for the settings the verdicts use); and a
/// sosreport, through its `proc/net/`, `sos_commands/networking/` and `sos_commands/kernel/` folders. The one
/// command to collect them on a host is in the README ("Socket evidence").
public enum EvidenceCollector {
    /// The sysctl values the verdicts and the evidence on findings use.
    public static let settingKeys = [
        "kernel.osrelease", "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse_delay",
        "net.ipv4.tcp_timestamps", "net.ipv4.tcp_max_tw_buckets", "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog",
        "net.ipv4.tcp_syncookies", "net.ipv4.tcp_max_orphans", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_retries2",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "fs.file-max", "fs.nr_open",
    ]

    /// The running host: /proc/net, /proc/PID, /proc/sys. With `interval`, the counters are read twice that many
    /// seconds apart, so verdicts speak of rates rather than totals since boot.
    ///
    /// `processes: false` skips the walk of every /proc/PID/fd, for callers that need states and counters only
    /// (evidence on `check --live` findings), not who holds each socket.
    public static func live(interval: Double? = nil, proc: String = "/proc", processes: Bool = true) -> Evidence {
        var evidence = Evidence(source: "this host")
        for name in ["tcp", "tcp6"] {
            let path = proc + "/net/" + name
            guard let lines = try? LineStream(path: path) else { continue }
            evidence.files.append(path)
            ProcNetTCPReader().read(lines, source: path, into: &evidence)
        }
        evidence.counters = liveCounters(proc: proc, into: &evidence)
        if let text = ProcessTable.read(proc + "/net/sockstat", limit: EvidenceLimits.smallFileLimit) {
            evidence.sockstat = HostFactsReader.sockstat(text)
        }
        if let text = ProcessTable.read(proc + "/sys/fs/file-nr", limit: 4096) { evidence.fileHandles = HostFactsReader.fileHandles(text) }
        if let text = ProcessTable.read(proc + "/uptime", limit: 4096) { evidence.uptime = HostFactsReader.uptime(text) }
        for key in settingKeys {
            let path = proc + "/sys/" + key.replacingOccurrences(of: ".", with: "/")
            if let text = ProcessTable.read(path, limit: 65536) { evidence.settings[key] = text.trimmingSpaces() }
        }
        if processes { attributeProcesses(in: &evidence, proc: proc) }
        if let interval, interval > 0, interval.isFinite {
            Thread.sleep(forTimeInterval: min(interval, 3600))
            evidence.laterCounters = liveCounters(proc: proc, into: &evidence)
            evidence.interval = interval
        }
        return evidence
    }

    /// Ties each socket to the process holding it, and records every readable process's open-file limits.
    private static func attributeProcesses(in evidence: inout Evidence, proc: String) {
        let table = ProcessTable(procRoot: proc)
        evidence.processesKnown = true
        evidence.unreadableProcesses = table.unreadable
        evidence.processes = table.limits
        for index in evidence.sockets.indices where evidence.sockets[index].inode != 0 {
            if let owner = table.owners[evidence.sockets[index].inode] {
                evidence.sockets[index].process = owner
            } else {
                evidence.unattributedSockets += 1
            }
        }
    }

    private static func liveCounters(proc: String, into evidence: inout Evidence) -> [String: Int64] {
        var counters: [String: Int64] = [:]
        for name in ["netstat", "snmp"] {
            let path = proc + "/net/" + name
            guard let text = ProcessTable.read(path, limit: EvidenceLimits.smallFileLimit) else { continue }
            if !evidence.files.contains(path) { evidence.files.append(path) }
            counters.merge(CounterReader.procPairs(text, source: path, evidence: &evidence)) { _, new in new }
        }
        return counters
    }

    /// Saved evidence: a folder of saved files (or a sosreport), or one file.
    public static func saved(_ path: String) throws(InputProblem) -> Evidence {
        var evidence = Evidence(source: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputProblem(path: path, message: "no such file or directory")
        }
        let files: [String]
        if isDirectory.boolValue {
            // A sosreport keeps what matters in known places; a folder of saved files holds them at its top.
            let places = ["", "proc/net", "proc", "sos_commands/networking", "sos_commands/kernel"]
            files = places.flatMap { place -> [String] in
                let folder = place.isEmpty ? path : (path as NSString).appendingPathComponent(place)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                return names.sorted().prefix(1000).map { (folder as NSString).appendingPathComponent($0) }
            }
        } else {
            files = [path]
        }
        let readable = files.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
                && RegularFile.problem(with: file, sizeLimit: .max) == nil
        }
        // `ss` output, netstat output and /proc/net/tcp copies list the same sockets: one table is read, the one
        // that shows most (`ss`: backlogs and processes; netstat: processes; /proc: neither).
        let kinds = Dictionary(readable.map { ($0, kind(of: $0)) }, uniquingKeysWith: { first, _ in first })
        let best: SocketTable? = kinds.values.contains(.ss) ? .ss : kinds.values.contains(.netstat) ? .netstat : nil
        let chosenTable = readable.first { kinds[$0] == best }
        for file in readable {
            if let best, let kind = kinds[file] ?? nil, kind != best || file != chosenTable {
                evidence.note(kind != best ? "the \(best == .ss ? "ss" : "netstat") output beside it lists the same sockets with more detail, so this table was not read"
                                           : "another \(best == .ss ? "ss" : "netstat") listing in this folder is read (\(chosenTable ?? "")); one socket table is counted, not two", file: file)
                continue
            }
            read(file, into: &evidence, explicit: !isDirectory.boolValue)
        }
        if evidence.files.isEmpty {
            throw InputProblem(path: path, message: "holds none of the evidence files sysctl-lint reads (copies of /proc/net/tcp, ss -tanp or nstat output, /proc/net/netstat …); see the README, \"Socket evidence\"")
        }
        return evidence
    }

    enum SocketTable { case procTCP, ss, netstat }

    /// Which socket table a file holds, from its first line.
    static func kind(of file: String) -> SocketTable? {
        guard let lines = try? LineStream(path: file), let head = lines.peekFirstContent(length: 80) else { return nil }
        return kind(head: head)
    }

    static func kind(head: String) -> SocketTable? {
        if head.hasPrefix("sl ") || head.hasPrefix("sl\t") { return .procTCP }
        if (head.hasPrefix("State") || head.hasPrefix("Netid")) && head.contains("Recv-Q") { return .ss }
        if head.hasPrefix("Active Internet connections") || head.hasPrefix("Proto Recv-Q") { return .netstat }
        return nil
    }

    /// Reads one saved file if its content is one of the known forms.
    static func read(_ file: String, into evidence: inout Evidence, explicit: Bool) {
        guard let lines = try? LineStream(path: file), let head = lines.peekFirstContent(length: 80) else { return }
        switch kind(head: head) {
        case .procTCP?:
            evidence.files.append(file)
            ProcNetTCPReader().read(lines, source: file, into: &evidence)
            return
        case .ss?:
            evidence.files.append(file)
            SSReader().read(lines, source: file, into: &evidence)
            return
        case .netstat?:
            evidence.files.append(file)
            NetstatReader().read(lines, source: file, into: &evidence)
            return
        case nil:
            break
        }
        // The rest are small files, read whole.
        guard let data = try? RegularFile.bytes(atPath: file, limit: EvidenceLimits.smallFileLimit), data.count <= EvidenceLimits.smallFileLimit else {
            if explicit { evidence.note("larger than \(EvidenceLimits.smallFileLimit / 1024 / 1024) MiB and not a socket table; not read", file: file) }
            return
        }
        let text = String(decoding: data, as: UTF8.self)
        if let counters = CounterReader.counters(in: text, source: file, evidence: &evidence) {
            evidence.files.append(file)
            evidence.counters.merge(counters) { _, new in new }
        } else if head.hasPrefix("sockets:") || head.hasPrefix("TCP: inuse") {
            evidence.files.append(file)
            evidence.sockstat = HostFactsReader.sockstat(text)
        } else if head.contains(" = ") || head.hasPrefix("abi.") || head.hasPrefix("kernel.") {
            evidence.files.append(file)
            let snapshot = SysctlDumpReader().read(text: text, source: file)
            let wanted = Set(settingKeys)
            for entry in snapshot.entries where wanted.contains(entry.key) || entry.key == "fs.file-nr" {
                if entry.key == "fs.file-nr" { evidence.fileHandles = HostFactsReader.fileHandles(entry.value) } else { evidence.settings[entry.key] = entry.value }
            }
        } else if let handles = HostFactsReader.fileHandles(text), text.contains("\t") {
            evidence.files.append(file)
            evidence.fileHandles = handles
        } else if let seconds = HostFactsReader.uptime(text), text.split(separator: " ").count == 2 {
            evidence.files.append(file)
            evidence.uptime = seconds
        } else if explicit {
            evidence.note("not one of the evidence forms sysctl-lint reads; not read", file: file)
        }
    }
}
