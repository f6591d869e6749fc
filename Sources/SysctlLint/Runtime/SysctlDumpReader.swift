/// Reads saved `sysctl -a` output: `key = value` lines with the kernel's tabs kept, `key =` repeated for every line
/// of a multi-line value, and `sysctl: ...` lines that stderr mixed in (noted, not fatal).
public struct SysctlDumpReader: Sendable {
    public init() {}

    public func read(_ lines: LineStream, source: String, host: String? = nil, sizeLimit: Int = LineStream.hostSizeLimit) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source, host: host)
        while let line = lines.nextText() {
            add(line, number: lines.lineNumber, to: &snapshot)
            if lines.bytesConsumed > sizeLimit {
                snapshot.notes.append(Finding(  // past the note limit too: the one note that says the input was cut
                    rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: source, line: lines.lineNumber, column: 1),
                    message: "the snapshot is larger than \(sizeLimit / 1024 / 1024) MiB, more than any host's sysctl -a; the rest was not read"))
                break
            }
        }
        return snapshot
    }

    public func read(text: String, source: String) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source)
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            add(line.hasSuffix("\r") ? String(line.dropLast()) : String(line), number: number, to: &snapshot)
        }
        return snapshot
    }

    func add(_ line: String, number: Int, to snapshot: inout RuntimeSnapshot) {
        let trimmed = line.trimmingSpaces()
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
        let location = SourceLocation(file: snapshot.source, line: number, column: 1)
        if trimmed.hasPrefix("sysctl: ") {
            snapshot.note(Finding(
                rule: "snapshot-unreadable-key", severity: .info, key: Self.quotedKey(in: trimmed), location: location,
                message: "sysctl could not read this when the snapshot was taken (\(trimmed.dropFirst(8))), so it is missing from the snapshot"))
            return
        }
        // `key = value` as sysctl prints it (the value raw, tabs kept); `key =` for an empty value (editors drop
        // the trailing blank); `key=value` as people sometimes save it.
        let key: String, value: String
        if let separator = line.asciiRange(of: " = ") {
            key = line[..<separator.lowerBound].trimmingSpaces()
            value = String(line[separator.upperBound...])
        } else if let equals = line.firstIndex(of: "=") {
            key = line[..<equals].trimmingSpaces()
            value = line[line.index(after: equals)...].trimmingSpaces()
        } else {
            snapshot.note(Finding(
                rule: "snapshot-unreadable-key", severity: .info, location: location,
                message: "not a 'key = value' line of sysctl -a output; skipped"))
            return
        }
        snapshot.append(key: key, value: value, line: number)
    }

    /// `permission denied on key 'kernel.cad_pid'` → `kernel.cad_pid`.
    static func quotedKey(in text: String) -> String? {
        guard let open = text.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        return String(rest[..<close])
    }
}
