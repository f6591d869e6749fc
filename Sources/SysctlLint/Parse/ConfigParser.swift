import Foundation

/// Reads sysctl.conf text the way the loaders do.
///
/// The grammar is procps-ng 4's (`src/sysctl.c`, `parse_setting_line`), which systemd-sysctl ≥ 245 shares for
/// every well-formed line: whole-line `#`/`;` comments, split at the first `=`, trimmed key and value, inner
/// blanks kept, a leading `-` for "ignore failure", a bare `-key` for an exclusion. Where the two loaders part
/// ways (a lone CR, a NUL byte, `- key`, `--key`, a line without `=`), the parser follows procps 4 and reports
/// the difference as a finding, so that no line is lost and nothing is silently reinterpreted.
public struct ConfigParser: Sendable {
    /// systemd-sysctl aborts a file at a line longer than this (`LONG_LINE_MAX`).
    public static let systemdLineLimit = 1024 * 1024

    /// Whether plain assignment lines take the short path (`Run.parsePlainAssignment`); tests and the fuzzer turn
    /// it off to hold the two paths to the same result.
    package var readsPlainLinesDirectly = true

    public init() {}

    public func parse(_ source: SourceText) -> ParsedFile {
        var run = Run(path: source.path)
        var lineStart = 0
        var lineNumber = 0
        let bytes = source.bytes
        bytes.withUnsafeBufferPointer { buffer in
            while lineStart < buffer.count {
                lineNumber += 1
                let lineEnd = UTF8Text.firstIndex(of: 0x0A, in: buffer, from: lineStart) ?? buffer.count
                let plain = readsPlainLinesDirectly && lineNumber > 1
                    && run.parsePlainAssignment(UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd]), number: lineNumber)
                if !plain { run.parseLine(bytes[lineStart..<lineEnd], number: lineNumber, isFirst: lineNumber == 1) }
                lineStart = lineEnd + 1
            }
        }
        if run.omitted > 0 {
            run.findings.append(Finding(rule: "invalid-line", severity: run.omittedWorst, location: SourceLocation(file: source.path, line: lineNumber, column: 1),
                                        message: "\(run.omitted) more problems in this file were not listed (at most \(FindingLimit.perRun) per file); fix the first ones, or check that this is a sysctl file"))
        }
        return ParsedFile(path: source.path, statements: run.statements, findings: run.findings, lineCount: lineNumber)
    }
}

private let space: UInt8 = 0x20, tab: UInt8 = 0x09, cr: UInt8 = 0x0D, vt: UInt8 = 0x0B, ff: UInt8 = 0x0C
private let equals: UInt8 = 0x3D, dash: UInt8 = 0x2D, hash: UInt8 = 0x23, semicolon: UInt8 = 0x3B

/// procps 4 trims with `isspace()`.
private func isSpace(_ byte: UInt8) -> Bool {
    byte == space || byte == tab || byte == cr || byte == vt || byte == ff || byte == 0x0A
}

private struct Run {
    let path: String
    var statements: [ParsedFile.Statement] = []
    var findings: [Finding] = []

    init(path: String) { self.path = path }

    /// Whether a comment contains `sysctl` in any case (every directive does, and so do the near misses the
    /// suppression parser explains).
    static func mentionsSysctl(_ bytes: ArraySlice<UInt8>) -> Bool {
        let word: [UInt8] = Array("sysctl".utf8)
        guard bytes.count >= word.count else { return false }
        var index = bytes.startIndex
        while index + word.count <= bytes.endIndex {
            var matched = true
            for offset in 0..<word.count where bytes[index + offset] | 0x20 != word[offset] { matched = false; break }
            if matched { return true }
            index += 1
        }
        return false
    }

    /// Keys of this file's plain lines that the spelling checks found nothing in, by their bytes as written: a key
    /// that repeats is then neither read nor checked again (a key's checks depend on its bytes alone).
    private var plainKeys = PathIndex()
    private var plainKeyValues: [SysctlKey] = []
    /// At most this many such keys are kept; later new keys are read as if none were.
    static let plainKeyLimit = 1 << 16

    /// The problems of one file are listed up to the run's limit, then counted: a file of two million broken
    /// lines would otherwise build two million findings before any limit applied.
    var omitted = 0
    var omittedWorst = Severity.info

    mutating func report(_ rule: String, _ severity: Severity, line: Int, column: Int, _ message: String,
                         key: String? = nil, value: String? = nil, fix: String? = nil) {
        guard findings.count < FindingLimit.perRun else {
            omitted += 1
            omittedWorst = max(omittedWorst, severity)
            return
        }
        findings.append(Finding(
            rule: rule, severity: severity, key: key, value: value,
            location: SourceLocation(file: path, line: line, column: column), message: message, fix: fix))
    }

    /// The common line, `key = value` with nothing any loader reads differently, read in one pass; false, having
    /// changed nothing, for any other line (a comment, a control byte, a leading `-`, no `=`, an empty key or
    /// value, a value starting with `=`, a line systemd finds too long), which `parseLine` then reads. For the lines
    /// it takes, it does what `parseLine` does (a test holds the two together).
    mutating func parsePlainAssignment(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Bool {
        guard line.count <= ConfigParser.systemdLineLimit else { return false }
        // No control byte but tab: no NUL, CR, VT or FF, so blanks are spaces and tabs, and no check below applies.
        var index = 0
        while index < line.count {
            index = UTF8Text.skippingPlainWords(line, from: index) { !UTF8Text.anyByteBelow(0x20, in: $0) }
            for byte in line[index..<min(index + 8, line.count)] where byte < 0x20 && byte != tab { return false }
            index += 8
        }
        func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }
        var start = 0, end = line.count
        while start < end, isBlank(line[start]) { start += 1 }
        while end > start, isBlank(line[end - 1]) { end -= 1 }
        guard start < end, line[start] != hash, line[start] != semicolon, line[start] != dash,
              let equalsIndex = UTF8Text.firstIndex(of: equals, in: line, from: start, to: end) else { return false }
        var keyEnd = equalsIndex
        while keyEnd > start, isBlank(line[keyEnd - 1]) { keyEnd -= 1 }
        var valueStart = equalsIndex + 1
        while valueStart < end, isBlank(line[valueStart]) { valueStart += 1 }
        guard keyEnd > start, valueStart < end, line[valueStart] != equals else { return false }
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[valueStart..<end]), as: UTF8.self)
        let keyBytes = UnsafeBufferPointer(rebasing: line[start..<keyEnd])
        let hash = HashSlots.hash(keyBytes)
        let key: SysctlKey
        if let known = plainKeys.position(of: keyBytes, hash: hash) {
            key = plainKeyValues[known]
        } else {
            key = SysctlKey(String(decoding: keyBytes, as: UTF8.self))
            let reported = findings.count + omitted
            if reportSpelling(of: key, line: number, column: start + 1, value: value) { return true }
            if findings.count + omitted == reported, plainKeys.count < Self.plainKeyLimit, plainKeys.insert(key.written) == nil {
                plainKeyValues.append(key)
            }
        }
        statements.append(.assignment(Assignment(key: key, value: value, ignoreFailure: false, location: loc(number, start + 1),
                                                 valueColumn: valueStart + 1)))
        return true
    }

    mutating func parseLine(_ physical: ArraySlice<UInt8>, number: Int, isFirst: Bool) {
        var line = physical
        let base = physical.startIndex
        func column(_ index: Int) -> Int { index - base + 1 }

        if line.count > ConfigParser.systemdLineLimit {
            report("line-too-long", .error, line: number, column: 1,
                   "line is \(line.count) bytes long; systemd-sysctl stops reading the file here (ENOBUFS), skips every later line, and exits 1")
        }
        if isFirst, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            let rest = line.dropFirst(3)
            if rest.contains(where: { !isSpace($0) }) && rest.first.map({ $0 != hash && $0 != semicolon }) ?? false {
                report("byte-order-mark", .error, line: number, column: 1,
                       "the file starts with a UTF-8 byte-order mark; every loader reads it as part of the first key, which then does not exist and is not applied",
                       fix: "save the file as UTF-8 without a BOM")
                return  // The loaders fail this line; it sets nothing.
            }
            // Before a comment or a blank line the BOM hides the comment: no loader strips it, so the line is
            // neither a comment nor an assignment (systemd-sysctl: "Line is not an assignment", exit 1).
            report("byte-order-mark", .error, line: number, column: 1,
                   "the file starts with a UTF-8 byte-order mark; the loaders do not strip it, so this line is not a comment to them but a line without '=': systemd-sysctl logs \"Line is not an assignment\" and exits 1, procps sysctl reports 'invalid syntax'",
                   fix: "save the file as UTF-8 without a BOM")
            line = rest
        }
        // A NUL ends the line for procps (C string); systemd starts a new line there.
        if let nul = line.firstIndex(of: 0) {
            report("nul-byte", .warning, line: number, column: column(nul),
                   "NUL byte: procps ignores the rest of the line, systemd-sysctl reads it as a new line")
            line = line[line.startIndex..<nul]
        }
        // CRLF is fine everywhere; a CR elsewhere is read three different ways.
        if let lastCR = line.lastIndex(of: cr), line[line.index(after: lastCR)...].allSatisfy(isSpace),
           let innerCR = line[line.startIndex..<lastCR].firstIndex(of: cr) {
            reportLoneCR(number, column(innerCR))
        } else if let innerCR = line.firstIndex(of: cr), !line[line.index(after: innerCR)...].allSatisfy(isSpace) {
            reportLoneCR(number, column(innerCR))
        }
        let trimmedFront = line.drop(while: isSpace)
        guard let first = trimmedFront.first else { return }
        let trimmed = trimmedFront[..<(trimmedFront.lastIndex(where: { !isSpace($0) }).map { $0 + 1 } ?? trimmedFront.endIndex)]
        let isVerticalSpace: (UInt8) -> Bool = { $0 == vt || $0 == ff }
        if first != hash && first != semicolon,
           line.prefix(while: isSpace).contains(where: isVerticalSpace)
            || line.reversed().prefix(while: isSpace).contains(where: isVerticalSpace) {
            report("control-whitespace", .warning, line: number, column: 1,
                   "vertical tab or form feed around the setting: procps 4 strips it, procps 3 and systemd-sysctl keep it in the key or value")
        }
        if first == hash || first == semicolon {
            // Comments are kept only when they may be suppression directives: a file of 8 million `#` lines would
            // otherwise hold a gigabyte of them.
            if Self.mentionsSysctl(trimmed) {
                statements.append(.comment(Comment(text: text(trimmed), location: loc(number, column(trimmed.startIndex)))))
            }
            return
        }
        guard let equalsIndex = trimmed.firstIndex(of: equals) else {
            parseLineWithoutEquals(trimmed, number: number, column: column)
            return
        }
        var keyPart = trimmed[trimmed.startIndex..<equalsIndex]
        let valuePart = trimmed[trimmed.index(after: equalsIndex)...]
        var ignoreFailure = false
        if keyPart.first == dash {
            ignoreFailure = true
            keyPart = keyPart.dropFirst()
            if keyPart.first.map(isSpace) == true {
                report("dash-space", .warning, line: number, column: column(keyPart.startIndex),
                       "space after the leading '-': systemd-sysctl accepts it, procps sysctl looks up a key that starts with a space and fails",
                       fix: "write '-\(text(keyPart.drop(while: isSpace).prefix(while: { $0 != space && $0 != tab })))' with no space")
                keyPart = keyPart.drop(while: isSpace)
            } else if keyPart.first == dash {
                report("double-dash", .warning, line: number, column: column(keyPart.startIndex),
                       "two leading '-': procps 4 drops both, systemd-sysctl looks up a key that starts with '-' and silently sets nothing",
                       fix: "keep a single '-'")
                keyPart = keyPart.dropFirst()
            }
        }
        let keyEnd = keyPart.lastIndex(where: { !isSpace($0) }).map { $0 + 1 } ?? keyPart.startIndex
        let keyBytes = keyPart[keyPart.startIndex..<keyEnd]
        let valueStart = valuePart.firstIndex(where: { !isSpace($0) }) ?? valuePart.endIndex
        let valueBytes = valuePart[valueStart...]
        let keyColumn = column(trimmed.startIndex)
        let valueColumn = column(valueStart)
        let value = text(valueBytes)
        guard !keyBytes.isEmpty else {
            report("empty-key", .error, line: number, column: keyColumn,
                   "assignment without a key: procps 4 and systemd-sysctl both fail on it and exit 1", value: value)
            return
        }
        let key = SysctlKey(text(keyBytes))
        if valueBytes.isEmpty {
            report("empty-value", .warning, line: number, column: valueColumn,
                   "empty value: procps 3 skips the line as invalid, procps 4 and systemd-sysctl write an empty string, which the kernel rejects (EINVAL) for numeric keys",
                   key: key.name, value: "", fix: "give a value, or remove the line to keep the kernel's default")
        } else if valueBytes.first == equals {
            report("double-equals", .error, line: number, column: valueColumn,
                   "the value starts with '=': the loaders split at the first '=', so they write '\(value)', which the kernel rejects for numeric keys",
                   key: key.name, value: value, fix: "use a single '='")
        }
        if reportSpelling(of: key, line: number, column: keyColumn, value: value) {
            return  // No loader can apply this line; it sets nothing.
        }
        let assignment = Assignment(key: key, value: value, ignoreFailure: ignoreFailure,
                                    location: loc(number, keyColumn), valueColumn: valueColumn)
        statements.append(.assignment(assignment))
    }

    private mutating func reportLoneCR(_ number: Int, _ column: Int) {
        report("lone-carriage-return", .warning, line: number, column: column,
               "carriage return inside the line: procps 4 keeps it in the value, procps 3 drops the rest of the line, systemd-sysctl starts a new line there",
               fix: "use plain LF (or CRLF) line endings")
    }

    private mutating func parseLineWithoutEquals(_ trimmed: ArraySlice<UInt8>, number: Int, column: (Int) -> Int) {
        let startColumn = column(trimmed.startIndex)
        if trimmed.first == dash {
            let keyText = text(trimmed.dropFirst()).trimmingSpaces()
            guard !keyText.isEmpty else {
                report("empty-key", .error, line: number, column: startColumn,
                       "a lone '-' excludes nothing; remove the line")
                return
            }
            statements.append(.exclusion(Exclusion(key: SysctlKey(keyText), location: loc(number, startColumn))))
            return
        }
        let content = text(trimmed)
        var hint = ""
        var fix: String? = nil
        if content.hasPrefix("sysctl ") {
            hint = "; it looks like a shell command, but the file holds only 'key = value' lines"
            fix = "write the setting as 'key = value'"
        } else if let colon = content.firstIndex(of: ":"), !content[..<colon].contains(" ") {
            hint = "; did you mean '=' instead of ':'?"
            fix = "write '\(content[..<colon]) = \(content[content.index(after: colon)...].trimmingSpaces())'"
        } else if let blank = content.firstIndex(where: { $0 == " " || $0 == "\t" }),
                  content[..<blank].contains(".") {
            hint = "; '=' is missing between the key and the value"
            fix = "write '\(content[..<blank]) = \(content[blank...].trimmingSpaces())'"
        }
        report("invalid-line", .error, line: number, column: startColumn,
               "not an assignment\(hint): procps sysctl skips it ('invalid syntax'), systemd-sysctl skips it and exits 1",
               fix: fix)
    }

    /// Reports key spellings the loaders disagree on or fail on. Returns true when no loader applies the line.
    private mutating func reportSpelling(of key: SysctlKey, line: Int, column: Int, value: String) -> Bool {
        var fails = false
        for issue in key.spellingIssues {
            switch issue {
            case .repeatedSeparator:
                report("repeated-separator", .info, line: line, column: column,
                       "repeated separator in '\(key.written)': it works, but procps prints 'separators should not be repeated'",
                       key: key.name, value: value, fix: "write '\(key.name)'")
            case .trailingSeparator:
                report("trailing-separator", .warning, line: line, column: column,
                       "trailing separator in '\(key.written)': systemd-sysctl drops it, procps sysctl fails with 'Not a directory'",
                       key: key.name, value: value, fix: "write '\(key.name)'")
            case .procSysPrefix:
                fails = true
                report("proc-sys-prefix", .error, line: line, column: column,
                       "keys are relative to /proc/sys: '\(key.written)' names /proc/sys/\(key.path), which does not exist, so no loader applies this line",
                       key: key.name, value: value, fix: "write '\(SysctlKey(String(key.path.dropFirst("proc/sys/".count))).name)'")
            case .parentComponent:
                fails = true
                report("path-traversal", .error, line: line, column: column,
                       "'..' in a key points outside /proc/sys; the loaders refuse or fail it", key: key.name, value: value)
            case .innerWhitespace:
                fails = true
                let shell = key.written.hasPrefix("sysctl ") ? "; it looks like a shell command, but the file holds only 'key = value' lines" : ""
                report("key-whitespace", .error, line: line, column: column,
                       "the key '\(key.written)' contains a blank, so no such key exists and the line is not applied\(shell)",
                       key: key.name, value: value,
                       fix: "write '\(key.written.filter { $0 != " " && $0 != "\t" })'")
            case .braces:
                fails = true
                report("brace-glob", .error, line: line, column: column,
                       "no loader expands {a,b} in keys: the key is taken literally, does not exist, and the line sets nothing",
                       key: key.name, value: value, fix: "write one line per key, or use a '*' glob")
            }
        }
        if let misplaced = InterfaceKeys.dottedInterfaceName(in: key) {
            fails = true
            report("dotted-interface", .error, line: line, column: column,
                   "'\(key.written)' splits the interface name '\(misplaced)' at its dot, so the loaders look for a key that does not exist",
                   key: key.name, value: value,
                   fix: "write the dot inside the interface name as '/': '\(InterfaceKeys.corrected(key, interface: misplaced))'")
        }
        return fails
    }

    func loc(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: path, line: line, column: column) }

    func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}


/// Per-interface key families: `net.ipv4.conf.IFACE.leaf`, `net.ipv6.conf.IFACE.leaf`, `net.ipv[46].neigh.IFACE.leaf`.
enum InterfaceKeys {
    static let families: [[Substring]] = [["net", "ipv4", "conf"], ["net", "ipv6", "conf"], ["net", "ipv4", "neigh"], ["net", "ipv6", "neigh"]]

    /// The interface name a dotted spelling split in two (`eth0.100`), or nil.
    static func dottedInterfaceName(in key: SysctlKey) -> String? {
        // Six or more components means five or more separators; most keys have fewer and need no splitting.
        let separators = UTF8Text.withBytes(key.path) { UTF8Text.count(of: UInt8(ascii: "/"), in: $0) }
        guard separators >= 5 else { return nil }
        let parts = key.path.split(separator: "/")
        guard parts.count > 5, families.contains(where: { parts.starts(with: $0) }) else { return nil }
        return parts[3..<(parts.count - 1)].joined(separator: ".")
    }

    static func corrected(_ key: SysctlKey, interface: String) -> String {
        let parts = key.path.split(separator: "/")
        return parts[0..<3].joined(separator: ".") + "." + interface.replacingOccurrences(of: ".", with: "/") + "." + parts[parts.count - 1]
    }
}
