import Foundation

/// Reads osquery's `system_controls` table: `osqueryi --json` output (a JSON array of rows, one host unless rows
/// name one) or a scheduled query's results log (one JSON object a line, with `hostIdentifier`, in event or
/// snapshot form). The log is streamed: one host's rows are held at a time, so memory stays flat with fleet size.
/// `current_value` is trusted; `config_value` is ignored (osquery merges the files in an order no loader uses).
public final class OsqueryReader {
    private let lines: LineStream
    private let source: String
    private var current: RuntimeSnapshot?
    private var arrayHosts: [RuntimeSnapshot]?
    private var pendingLine: String?

    public init(lines: LineStream, source: String) {
        self.lines = lines
        self.source = source
    }

    /// The next host's values, or nil at the end.
    public func next() -> RuntimeSnapshot? {
        if arrayHosts == nil, current == nil, pendingLine == nil {
            guard let first = nextNonEmpty() else { return nil }
            if first.hasPrefix("[") {
                arrayHosts = readArray(startingWith: first)
            } else {
                pendingLine = first
            }
        }
        if arrayHosts != nil {
            return arrayHosts!.isEmpty ? nil : arrayHosts!.removeFirst()
        }
        while let line = pendingLine ?? nextNonEmpty() {
            pendingLine = nil
            let number = lines.lineNumber
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                var broken = current ?? RuntimeSnapshot(source: source)
                broken.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                    location: SourceLocation(file: source, line: number, column: 1),
                    message: "not a JSON object of an osquery results log; skipped"))
                current = broken
                continue
            }
            let host = Self.host(of: object) ?? "unknown host"
            if let snapshot = current, snapshot.host != host {
                pendingLine = line
                current = nil
                return snapshot
            }
            var snapshot = current ?? Self.fleetSnapshot(source: source, host: host)
            if let rows = object["snapshot"] as? [[String: Any]] {
                for row in rows { Self.add(row, line: number, to: &snapshot) }
            } else if let columns = object["columns"] as? [String: Any], (object["action"] as? String) != "removed" {
                Self.add(columns, line: number, to: &snapshot)
            }
            current = snapshot
        }
        defer { current = nil }
        return current
    }

    private func nextNonEmpty() -> String? {
        while let line = lines.nextText() {
            let trimmed = line.trimmingSpaces()
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    /// `osqueryi --json` prints one array; it is one host's table, so reading it whole is bounded.
    private func readArray(startingWith first: String) -> [RuntimeSnapshot] {
        var text = first
        while let line = lines.nextText() { text += "\n" + line }
        guard let rows = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else {
            var broken = RuntimeSnapshot(source: source)
            broken.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                location: SourceLocation(file: source, line: 1, column: 1),
                message: "not a JSON array of osquery rows; nothing read"))
            return [broken]
        }
        var hosts: [RuntimeSnapshot] = []
        var index: [String: Int] = [:]
        for (number, row) in rows.enumerated() {
            let host = Self.host(of: row)
            let slot = index[host ?? ""] ?? {
                hosts.append(Self.fleetSnapshot(source: source, host: host))
                index[host ?? ""] = hosts.count - 1
                return hosts.count - 1
            }()
            Self.add(row, line: number + 1, to: &hosts[slot])
        }
        return hosts
    }

    /// A query may select only some keys, so a key missing from the export proves nothing.
    static func fleetSnapshot(source: String, host: String?) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source, host: host)
        snapshot.isComplete = false
        return snapshot
    }

    static func host(of object: [String: Any]) -> String? {
        for field in ["hostIdentifier", "host_identifier", "host", "hostname", "host_hostname", "host_display_name"] {
            if let value = object[field] as? String, !value.isEmpty { return value }
        }
        if let decorations = object["decorations"] as? [String: Any], let name = decorations["hostname"] as? String {
            return name
        }
        return nil
    }

    static func add(_ row: [String: Any], line: Int, to snapshot: inout RuntimeSnapshot) {
        guard let name = row["name"] as? String, !name.isEmpty else { return }
        let value = (row["current_value"] ?? row["value"]).map { "\($0)" } ?? ""
        snapshot.entries.append(RuntimeSnapshot.Entry(key: name, value: value, line: line))
    }
}
