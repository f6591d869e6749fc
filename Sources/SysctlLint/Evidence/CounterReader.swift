/// Reads the kernel's SNMP counters in the forms hosts save them, into `nstat` names (`TcpExtListenOverflows`):
/// - /proc/net/netstat and /proc/net/snmp: pairs of lines, a header `TcpExt: SyncookiesSent …` then the values
///   `TcpExt: 0 …` (net/ipv4/proc.c `netstat_seq_show`, `snmp_seq_show`); columns are matched by name, never by
///   position, since the lists grow with every release;
/// - `nstat -a -j`: `{"kernel":{"TcpExtListenOverflows":12,…}}` (iproute2 misc/nstat.c `dump_kern_db`);
/// - `nstat -a` / `nstat -zas` text: `#kernel`, then `name value rate` lines.
public enum CounterReader {
    /// Which of the three forms `text` is in, and its counters; nil when it is none of them.
    public static func counters(in text: String, source: String, evidence: inout Evidence) -> [String: Int64]? {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("{") { return json(trimmed, source: source, evidence: &evidence) }
        if trimmed.hasPrefix("#kernel") { return nstatText(trimmed, source: source, evidence: &evidence) }
        // /proc/net/netstat and snmp: a header line and a value line with the same prefix (`netstat -s` output
        // also starts with `Ip:`, but its next line is indented prose).
        let firstTwo = trimmed.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: true).prefix(2)
        if firstTwo.count == 2, let prefix = firstTwo.first?.split(separator: " ").first, prefix.hasSuffix(":"),
           firstTwo.last?.hasPrefix(prefix + " ") == true, ["TcpExt:", "Ip:", "IpExt:"].contains(prefix) {
            return procPairs(trimmed, source: source, evidence: &evidence)
        }
        return nil
    }

    static func procPairs(_ text: String, source: String, evidence: inout Evidence) -> [String: Int64] {
        var counters: [String: Int64] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        var index = 0
        while index + 1 < lines.count {
            let header = lines[index].split(separator: " ", omittingEmptySubsequences: true)
            let values = lines[index + 1].split(separator: " ", omittingEmptySubsequences: true)
            guard let prefix = header.first, prefix.hasSuffix(":"), values.first == prefix, header.count == values.count else {
                evidence.note("not a header line followed by its values, as /proc/net/netstat and /proc/net/snmp hold them; skipped", file: source, line: index + 1)
                index += 1
                continue
            }
            let group = prefix.dropLast()
            for (name, value) in zip(header.dropFirst(), values.dropFirst()) where counters.count < EvidenceLimits.maxCounters {
                if let number = Int64(value) { counters[String(group) + String(name)] = number }
            }
            index += 2
        }
        return counters
    }

    static func nstatText(_ text: String, source: String, evidence: inout Evidence) -> [String: Int64] {
        var counters: [String: Int64] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int64(fields[1]) else {
                evidence.note("not a 'name value rate' line of nstat output; skipped", file: source, line: number + 1)
                continue
            }
            if counters.count < EvidenceLimits.maxCounters { counters[String(fields[0])] = value }
        }
        return counters
    }

    static func json(_ text: String, source: String, evidence: inout Evidence) -> [String: Int64]? {
        let parsed: JSONValue
        do throws(JSONParser.Failure) { parsed = try JSONParser.parse(Array(text.utf8)) } catch {
            evidence.note("not JSON as nstat -j prints it (\(error.message) at byte \(error.offset + 1))", file: source)
            return nil
        }
        guard case .object(let pairs)? = parsed["kernel"] else {
            evidence.note("a JSON document without the \"kernel\" object nstat -j prints", file: source)
            return nil
        }
        var counters: [String: Int64] = [:]
        for pair in pairs.prefix(EvidenceLimits.maxCounters) {
            switch pair.value {
            case .int(let value): counters[pair.key] = Int64(value)
            case .double(let value) where value.isFinite && abs(value) < 9.2e18: counters[pair.key] = Int64(value)
            default: break
            }
        }
        return counters
    }
}
