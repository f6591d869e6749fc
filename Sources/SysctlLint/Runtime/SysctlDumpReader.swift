/// Reads saved `sysctl -a` output: `key = value` lines with the kernel's tabs kept, `key =` repeated for every line
/// of a multi-line value, and `sysctl: ...` lines that stderr mixed in (noted, not fatal).
public struct SysctlDumpReader: Sendable {
    public init() {}

    public func read(_ lines: LineStream, source: String, host: String? = nil, sizeLimit: Int = LineStream.hostSizeLimit) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source, host: host)
        if let size = lines.sizeHint { snapshot.reserveCapacity(forInputBytes: min(size, sizeLimit)) }
        lines.forEachLine { line, number in
            add(line, number: number, to: &snapshot)
            guard lines.bytesConsumed > sizeLimit else { return true }
            snapshot.notes.append(Finding(  // past the note limit too: the one note that says the input was cut
                rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: source, line: number, column: 1),
                message: "the snapshot is larger than \(sizeLimit / 1024 / 1024) MiB, more than any host's sysctl -a; the rest was not read"))
            return false
        }
        return snapshot
    }

    public func read(text: String, source: String) -> RuntimeSnapshot {
        read(LineStream(bytes: Array(text.utf8)), source: source)
    }

    /// One line, on its bytes in place: no string is made for a line that holds a value.
    func add(_ line: UnsafeBufferPointer<UInt8>, number: Int, to snapshot: inout RuntimeSnapshot) {
        let trimmed = UTF8Text.trimmed(line)
        guard let first = trimmed.first, first != UInt8(ascii: "#") else { return }
        if first == UInt8(ascii: "s"), trimmed.starts(with: Self.stderrPrefix) {
            let text = String(decoding: trimmed, as: UTF8.self)
            snapshot.note(Finding(
                rule: "snapshot-unreadable-key", severity: .info, key: Self.quotedKey(in: text),
                location: SourceLocation(file: snapshot.source, line: number, column: 1),
                message: "sysctl could not read this when the snapshot was taken (\(text.dropFirst(8))), so it is missing from the snapshot"))
            return
        }
        // `key = value` as sysctl prints it (the value raw, tabs kept); `key =` for an empty value (editors drop
        // the trailing blank); `key=value` as people sometimes save it.
        let key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
        if let separator = Self.firstSeparator(in: line) {
            key = UTF8Text.trimmed(UnsafeBufferPointer(rebasing: line[..<separator]))
            value = UnsafeBufferPointer(rebasing: line[(separator + 3)...])
        } else if let equals = line.firstIndex(of: UInt8(ascii: "=")) {
            key = UTF8Text.trimmed(UnsafeBufferPointer(rebasing: line[..<equals]))
            value = UTF8Text.trimmed(UnsafeBufferPointer(rebasing: line[(equals + 1)...]))
        } else {
            snapshot.note(Finding(
                rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: snapshot.source, line: number, column: 1),
                message: "not a 'key = value' line of sysctl -a output; skipped"))
            return
        }
        snapshot.append(key: key, value: value, line: number)
    }

    private static let stderrPrefix = Array("sysctl: ".utf8)

    /// Where ` = ` first stands in the line: the first `=` with a blank on each side, found by memchr.
    static func firstSeparator(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        var from = 1  // an `=` at the start has no blank before it, nor one at the end after it
        while let equals = UTF8Text.firstIndex(of: UInt8(ascii: "="), in: line, from: from, to: line.count - 1) {
            if line[equals - 1] == 0x20, line[equals + 1] == 0x20 { return equals - 1 }
            from = equals + 1
        }
        return nil
    }

    /// `permission denied on key 'kernel.cad_pid'` → `kernel.cad_pid`.
    static func quotedKey(in text: String) -> String? {
        guard let open = text.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        return String(rest[..<close])
    }
}
