/// What a host's kernel shows about its sockets and counters, live or from saved copies: the facts that prove or
/// clear a finding. Every part is optional, because saved evidence is often partial (an `ss` dump without
/// counters, a sosreport without /proc/PID).
public struct Evidence: Sendable {
    /// Where the facts came from: `this host` or the saved path.
    public var source: String
    /// The files read, in order, for the report.
    public var files: [String] = []
    public var sockets: [TCPSocket] = []
    /// True when `sockets` came from a source that names processes (`ss -p`) or /proc/PID/fd was walked.
    public var processesKnown = false
    /// True when the sockets came from `ss`, whose LISTEN rows show the backlog as Send-Q.
    public var backlogsKnown = false
    /// Sockets with an inode that no readable /proc/PID/fd holds (other users' processes without root).
    public var unattributedSockets = 0
    /// Processes whose fd folder could not be read.
    public var unreadableProcesses = 0
    /// Counters by their `nstat` names (`TcpExtListenOverflows`, `TcpAttemptFails`), since boot.
    public var counters: [String: Int64] = [:]
    /// A second reading `interval` seconds later, for rates.
    public var laterCounters: [String: Int64]?
    public var interval: Double?
    /// /proc/net/sockstat's TCP line.
    public var sockstat: SocketStatistics?
    /// fs.file-nr: allocated and maximum file handles.
    public var fileHandles: (allocated: Int64, maximum: Int64)?
    /// Seconds since boot (/proc/uptime), for "since boot (up N days)".
    public var uptime: Double?
    /// The sysctl values the verdicts need (`net.ipv4.ip_local_port_range` …), by dotted key.
    public var settings: [String: String] = [:]
    /// Processes with their open files and RLIMIT_NOFILE, where /proc/PID could be read.
    public var processes: [ProcessLimits] = []
    /// Lines and files that could not be read: info findings, at most `RuntimeSnapshot.noteLimit`.
    public var notes: [Finding] = []

    public init(source: String) {
        self.source = source
    }

    /// Whether another socket may be kept (`EvidenceLimits.maxSockets`); when not, a note says where `source` was cut.
    mutating func roomForSocket(source: String, line: Int) -> Bool {
        guard sockets.count >= EvidenceLimits.maxSockets else { return true }
        note("more than \(EvidenceLimits.maxSockets) sockets; the rest of \(source) was not read", file: source, line: line)
        return false
    }

    mutating func note(_ message: String, file: String, line: Int? = nil) {
        RuntimeSnapshot.append(Finding(rule: "evidence-unreadable", severity: .info,
                                       location: SourceLocation(file: file, line: line ?? 1, column: 1), message: message), to: &notes)
    }

    /// A counter's value, and its change over the interval when there were two readings.
    public func counter(_ name: String) -> CounterReading? {
        guard let value = counters[name] else { return nil }
        var reading = CounterReading(name: name, sinceBoot: value)
        if let later = laterCounters?[name], let interval, interval > 0 {
            reading.sinceBoot = later
            reading.delta = later.subtractingReportingOverflow(value).partialValue
            reading.interval = interval
        }
        return reading
    }

    /// Whether any counter could be read at all: with none, every finding has "no evidence".
    public var hasCounters: Bool { !counters.isEmpty }
}

/// A counter since boot, and when two readings were taken, its change and the time between them.
public struct CounterReading: Sendable, Hashable {
    public var name: String
    public var sinceBoot: Int64
    public var delta: Int64?
    public var interval: Double?

    /// The figure a verdict looks at: the change over the interval when measured, else the count since boot.
    public var observed: Int64 { delta ?? sinceBoot }

    /// `TcpExtListenOverflows 1,204 since boot` or `TcpExtListenOverflows +12 in 10 s (1.2/s)`.
    public func described(uptime: Double?) -> String {
        if let delta, let interval {
            let rate = Double(delta) / interval
            return "\(name) +\(delta) in \(Format.number(interval)) s (\(Format.number((rate * 100).rounded() / 100))/s)"
        }
        let up = uptime.map { " (up \(Self.days($0)))" } ?? ""
        return "\(name) \(sinceBoot) since boot\(up)"
    }

    static func days(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "for an unknown time" }
        if seconds < 86_400 { return "\(Int(seconds / 3600)) h" }
        let days = Int(min(seconds / 86_400, 1e9))
        return "\(days) day\(days == 1 ? "" : "s")"
    }
}

/// The `TCP:` line of /proc/net/sockstat (net/ipv4/proc.c `sockstat_seq_show`).
public struct SocketStatistics: Sendable, Hashable {
    /// Sockets in use in this network namespace.
    public var inUse: Int64?
    /// Orphaned sockets (closed by the application, not yet finished by the kernel); a global count.
    public var orphans: Int64?
    /// TIME_WAIT minisockets.
    public var timeWait: Int64?
    /// Memory in pages, as `net.ipv4.tcp_mem` counts it.
    public var memoryPages: Int64?
}

/// A process's open files against its RLIMIT_NOFILE (`Max open files` in /proc/PID/limits).
public struct ProcessLimits: Sendable, Hashable {
    public var process: ProcessName
    public var openFiles: Int
    /// The soft limit, nil for `unlimited`.
    public var softLimit: Int64?
    public var hardLimit: Int64?
}

/// What evidence readers keep at most; a larger input is cut with a note.
public enum EvidenceLimits {
    /// Sockets kept in a census: a host with a million sockets is far beyond any the census is for, and a
    /// socket costs about 100 bytes here.
    public static let maxSockets = 1_000_000
    /// Processes whose fd folders are walked.
    public static let maxProcesses = 100_000
    /// Counter, sockstat, uptime, limits and `nstat` files are small; more than this is not one of them.
    public static let smallFileLimit = 4 * 1024 * 1024
    /// Counters kept from one reading (6.18 has about 400).
    public static let maxCounters = 10_000
}
