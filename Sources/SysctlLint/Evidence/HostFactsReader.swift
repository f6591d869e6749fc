/// The small /proc files beside the socket tables: each a line or a few, read from text.
public enum HostFactsReader {
    /// /proc/net/sockstat's `TCP: inuse 6 orphan 0 tw 2 alloc 7 mem 1` (net/ipv4/proc.c `sockstat_seq_show`).
    public static func sockstat(_ text: String) -> SocketStatistics? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("TCP:") }) else { return nil }
        let words = line.split(separator: " ").dropFirst()
        var values: [Substring: Int64] = [:]
        var iterator = words.makeIterator()
        while let name = iterator.next(), let value = iterator.next() { values[name] = Int64(value) }
        return SocketStatistics(inUse: values["inuse"], orphans: values["orphan"], timeWait: values["tw"], memoryPages: values["mem"])
    }

    /// fs.file-nr: `374<tab>0<tab>2466170`, allocated, always 0, maximum (Documentation/admin-guide/sysctl/fs.rst
    /// "file-max & file-nr"). Also accepts `fs.file-nr = 374 0 2466170` as sysctl prints it.
    public static func fileHandles(_ text: String) -> (allocated: Int64, maximum: Int64)? {
        var value = Substring(text)
        if let equals = value.firstIndex(of: "=") { value = value[value.index(after: equals)...] }
        let numbers = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int64($0) }
        guard numbers.count == 3 else { return nil }
        return (numbers[0], numbers[2])
    }

    /// /proc/uptime: `358.38 364.55`, seconds since boot then idle time summed over CPUs (fs/proc/uptime.c).
    public static func uptime(_ text: String) -> Double? {
        guard let first = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first, let seconds = Double(first),
              seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }

    /// The `Max open files` row of /proc/PID/limits (fs/proc/base.c `proc_pid_limits`): soft and hard limits, nil
    /// for `unlimited`; nil overall when the row is missing.
    public static func openFileLimits(_ text: String) -> (soft: Int64?, hard: Int64?)? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else { return nil }
        let words = line.dropFirst("Max open files".count).split(separator: " ")
        guard words.count >= 2 else { return nil }
        return (Int64(words[0]), Int64(words[1]))
    }
}
