/// Reads osquery's `system_controls` table: `osqueryi --json` output (a JSON array of rows, one host unless rows
/// name one) or a scheduled query's results log (one JSON object a line, with `hostIdentifier`, in event or
/// snapshot form). The log is streamed: one host's rows are held at a time, so memory stays flat with fleet size.
/// `current_value` is trusted; `config_value` is ignored (osquery merges the files in an order no loader uses).
public final class OsqueryReader {
    private let lines: LineStream
    private let source: String
    private var current: RuntimeSnapshot?
    /// Bytes of log lines read for the current host: past `LineStream.hostSizeLimit` its further rows are skipped,
    /// so one host spread over a huge log cannot hold the whole log in memory.
    private var currentBytes = 0
    /// `osqueryi --json` hosts, handed out back to front (reversed once), so each costs O(1).
    private var arrayHosts: [RuntimeSnapshot]?
    private var pendingLine: ArraySlice<UInt8>?
    /// The pending line's object when it was parsed already: the line that began the next host, whose rows are
    /// still in `rows`. Parsing it again when that host was read cost a second parse of every line of a log.
    private var pendingObject: JSONValue?

    private let hostSizeLimit: Int
    /// A snapshot's rows as each log line is parsed, read in place (see `JSONRows`).
    private var rows: JSONRows? = JSONRows(container: "snapshot", fields: ["name", "current_value", "value"])

    /// `readsRowsInPlace`: false builds every row as a value first, as the reader once did (tests hold the two
    /// ways to one result).
    public init(lines: LineStream, source: String, hostSizeLimit: Int = LineStream.hostSizeLimit, readsRowsInPlace: Bool = true) {
        self.lines = lines
        self.source = source
        self.hostSizeLimit = hostSizeLimit
        if !readsRowsInPlace { rows = nil }
    }

    /// The next host's values, or nil at the end.
    public func next() -> RuntimeSnapshot? {
        if arrayHosts == nil, current == nil, pendingLine == nil {
            guard let first = nextNonEmpty() else { return nil }
            if first.first == UInt8(ascii: "[") {
                arrayHosts = readArray(startingWith: first).reversed()
            } else {
                pendingLine = first
            }
        }
        if arrayHosts != nil {
            return arrayHosts!.popLast()
        }
        while let line = pendingLine ?? nextNonEmpty() {
            pendingLine = nil
            let number = lines.lineNumber
            let object: JSONValue
            if let parsed = pendingObject {
                object = parsed
                pendingObject = nil
            } else {
                do throws(JSONParser.Failure) {
                    object = try JSONParser.parse(line, keeping: Self.members, rows: &rows)
                } catch {
                    skip(line: number, column: error.offset + 1, because: " (\(error.message))")
                    continue
                }
            }
            guard case .object = object else {
                skip(line: number, column: 1, because: "")
                continue
            }
            let host = Self.host(of: object) ?? "unknown host"
            if let snapshot = current, snapshot.host != host {
                pendingLine = line
                pendingObject = object
                current = nil
                currentBytes = 0
                return snapshot
            }
            var snapshot = current ?? {
                var fresh = Self.fleetSnapshot(source: source, host: host)
                // A host's first line holds all its rows in the snapshot form: room for them at once (up to a
                // MiB of text), rather than growing the table by doubling for every host.
                fresh.reserveCapacity(forInputBytes: min(line.count, 1 << 20))
                return fresh
            }()
            current = nil  // one owner, so appending does not copy the entries (a host over many lines was quadratic)
            let before = currentBytes
            currentBytes = currentBytes.addingReportingOverflow(line.count).partialValue
            if currentBytes > hostSizeLimit {
                if before <= hostSizeLimit {
                    snapshot.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                        location: SourceLocation(file: source, line: number, column: 1),
                        message: "this host's rows add up to more than \(Format.bytes(Double(hostSizeLimit))), more than any host's sysctl table; its later rows were not read"))
                }
                current = snapshot
                continue
            }
            if case .array(let built)? = object["snapshot"] {
                if let rows, rows.collected {
                    add(rows, from: line, number: number, to: &snapshot)
                } else {
                    for row in built { add(row, line: number, to: &snapshot) }
                }
            } else if let columns = object["columns"], case .object = columns, object["action"] != .string("removed") {
                add(columns, line: number, to: &snapshot)
            }
            current = snapshot
        }
        defer { current = nil }
        return current
    }

    /// Notes a line that is not an osquery log object on the host being read.
    private func skip(line: Int, column: Int, because detail: String) {
        var broken = current ?? RuntimeSnapshot(source: source)
        current = nil  // one owner, so appending does not copy the arrays
        broken.note(Finding(rule: "snapshot-unreadable-key", severity: .info,
            location: SourceLocation(file: source, line: line, column: column),
            message: "not a JSON object of an osquery results log\(detail); skipped"))
        current = broken
    }

    /// The next line that is not blank, as bytes.
    private func nextNonEmpty() -> ArraySlice<UInt8>? {
        while let line = lines.nextLine() {
            if line.contains(where: { !UTF8Text.isBlank($0) }) { return line }
        }
        return nil
    }

    /// `osqueryi --json` prints one array: one host's table, read whole up to the size limit of any input.
    private func readArray(startingWith first: ArraySlice<UInt8>) -> [RuntimeSnapshot] {
        var text = Array(first)
        var tooLarge = false
        while let line = lines.nextLine() {
            text.append(0x0A)
            text.append(contentsOf: line)
            if text.count > InputReader.defaultSizeLimit { tooLarge = true; break }
        }
        let parsed: JSONValue?
        var problem = "not a JSON array of osquery rows; nothing read"
        if tooLarge {
            parsed = nil
            problem = "an osquery JSON array larger than \(InputReader.defaultSizeLimit / 1024 / 1024) MiB; nothing read"
        } else {
            do throws(JSONParser.Failure) { parsed = try JSONParser.parse(text) } catch {
                parsed = nil
                problem = "not a JSON array of osquery rows (\(error.message) at byte \(error.offset + 1)); nothing read"
            }
        }
        guard case .array(let rows)? = parsed else {
            var broken = RuntimeSnapshot(source: source)
            broken.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                location: SourceLocation(file: source, line: 1, column: 1), message: problem))
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
            add(row, line: number + 1, to: &hosts[slot])
        }
        return hosts
    }

    /// The members the reader looks at (`host(of:)`, `add`, the event and snapshot forms): the rest of a log line
    /// is checked but not built. Inside `containers` (a snapshot's rows, an event's columns, the decorations) only
    /// these members are built too; any other kept member is built whole, whatever it holds.
    static let members = JSONParser.MemberFilter(
        keeping: ["hostIdentifier", "host_identifier", "host", "hostname", "host_hostname", "host_display_name",
                  "decorations", "snapshot", "columns", "action", "name", "current_value", "value"],
        containers: ["snapshot", "columns", "decorations"])

    /// A query may select only some keys, so a key missing from the export proves nothing.
    static func fleetSnapshot(source: String, host: String?) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source, host: host)
        snapshot.isComplete = false
        return snapshot
    }

    static func host(of object: JSONValue) -> String? {
        guard case .object(let pairs) = object else { return nil }
        for field in ["hostIdentifier", "host_identifier", "host", "hostname", "host_hostname", "host_display_name"] {
            if case .string(let value)? = pairs.first(where: { $0.key == field })?.value, !value.isEmpty { return value }
        }
        if case .string(let name)? = object["decorations"]?["hostname"] { return name }
        return nil
    }

    func add(_ row: JSONValue, line: Int, to snapshot: inout RuntimeSnapshot) {
        guard case .string(let name)? = row["name"], !name.isEmpty else { return }
        let value = (row["current_value"] ?? row["value"]).map(\.plainText) ?? ""
        snapshot.add(RuntimeSnapshot.Entry(key: name, value: value, line: line), key: keys.key(name).1)
    }

    /// The rows read in place from `line`, added through the reader's kept keys.
    private func add(_ rows: JSONRows, from line: ArraySlice<UInt8>, number: Int, to snapshot: inout RuntimeSnapshot) {
        line.withUnsafeBufferPointer { line in keys.add(rows, from: line, number: number, to: &snapshot) }
    }

    /// Every host of a fleet names the same few hundred keys: each is read once, and its host's rows share it.
    private var keys = FleetKeyTable()
}
