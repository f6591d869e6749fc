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
            var snapshot = current ?? Self.fleetSnapshot(source: source, host: host)
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
        snapshot.add(RuntimeSnapshot.Entry(key: name, value: value, line: line), key: key(name).1)
    }

    /// The rows read in place from `line`, as `add(_:line:to:)` adds each built row: a row without a non-empty
    /// string `name` is passed over; its value is `current_value`, else `value`, as text.
    private func add(_ rows: JSONRows, from line: ArraySlice<UInt8>, number: Int, to snapshot: inout RuntimeSnapshot) {
        line.withUnsafeBufferPointer { line in
            for row in 0..<rows.count {
                let name: Name
                switch rows[row, 0] {
                case .bytes(let range)?:
                    guard !range.isEmpty else { continue }
                    name = self.name(UnsafeBufferPointer(rebasing: line[range]))
                case .value(.string(let text))?:
                    guard !text.isEmpty else { continue }
                    name = self.name(text)
                default:
                    continue
                }
                switch rows[row, 1] ?? rows[row, 2] {
                case .bytes(let range)?:
                    add(name, value: UnsafeBufferPointer(rebasing: line[range]), line: number, to: &snapshot)
                case .value(let value)?:
                    UTF8Text.withBytes(value.plainText) { add(name, value: $0, line: number, to: &snapshot) }
                case nil:
                    add(name, value: UnsafeBufferPointer(start: nil, count: 0), line: number, to: &snapshot)
                }
            }
        }
    }

    /// A row's name: a kept key's position, or a key read for this row alone once `keysKept` are kept.
    private enum Name {
        case kept(Int)
        case unkept(SysctlKey)
    }

    private func name(_ bytes: UnsafeBufferPointer<UInt8>) -> Name {
        if let known = names.position(of: bytes, hash: HashSlots.hash(bytes)) { return .kept(known) }
        return name(String(decoding: bytes, as: UTF8.self))
    }

    private func name(_ text: String) -> Name {
        let (position, key) = key(text)
        return position.map(Name.kept) ?? .unkept(key)
    }

    /// Adds a row of `name`. A kept key's path is copied from `paths`, and nothing is retained for it, unless its
    /// row must keep it whole (see `SnapshotTable.spelling(of:)`).
    private func add(_ name: Name, value: UnsafeBufferPointer<UInt8>, line: Int, to snapshot: inout RuntimeSnapshot) {
        switch name {
        case .kept(let position):
            guard let spelling = spellings[position] else {
                snapshot.add(key: keys[position], value: value, line: line, pathHash: pathHashes[position])
                return
            }
            let start = position == 0 ? 0 : pathEnds[position - 1]
            paths.withUnsafeBufferPointer { paths in
                snapshot.add(path: UnsafeBufferPointer(rebasing: paths[start..<pathEnds[position]]), spelling: spelling,
                             value: value, line: line, pathHash: pathHashes[position], isRelease: position == releasePosition)
            }
        case .unkept(let key):
            snapshot.add(key: key, value: value, line: line)
        }
    }

    /// Every host of a fleet names the same few hundred keys: each is read as a key once, and its host's copies
    /// share it. Up to `keysKept` distinct names, so that a log of made-up names cannot grow the table without end.
    /// Names are found by their bytes through the shared path hash, not through a dictionary's SipHash.
    private var names = PathIndex()
    private var keys: [SysctlKey] = []
    static let keysKept = 65_536

    /// Each kept key's `HashSlots.hash` of its path, at the same positions: every host's row of the key reuses it.
    private var pathHashes: [UInt32] = []
    /// Each kept key's path, back to back in `paths`, ending at `pathEnds`; and how a row spells it, or nil when a
    /// row keeps the key whole. At most `keysKept` paths of a line's length each.
    private var paths: [UInt8] = []
    private var pathEnds: [Int] = []
    private var spellings: [Int32?] = []
    /// The kept position of `kernel.osrelease`, once seen.
    private var releasePosition: Int?

    private func key(_ name: String) -> (Int?, SysctlKey) {
        if let known = names.position(of: name) { return (known, keys[known]) }
        let key = SysctlKey(name)
        guard keys.count < Self.keysKept else { return (nil, key) }
        _ = names.insert(name)
        keys.append(key)
        pathHashes.append(HashSlots.hash(key.path))
        UTF8Text.withBytes(key.path) { paths.append(contentsOf: $0) }
        pathEnds.append(paths.count)
        spellings.append(UTF8Text.withBytes(name) { SnapshotTable.spelling(of: $0) })
        if name == "kernel.osrelease" { releasePosition = keys.count - 1 }
        return (keys.count - 1, key)
    }
}
