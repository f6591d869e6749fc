/// Text taken from input (keys, values, file names, host names, messages quoting them) made safe to print on a
/// terminal or in a CI log: control characters become visible escapes (`\r`, `\n`, `\x1b`, `\u{9b}`), so no
/// input can start a new line (a forged `::error` workflow command or gcc diagnostic), move the cursor, set a
/// window title or clear the screen. Tab stays, as sysctl prints it inside values. JSON, SARIF and GitLab reports
/// are for programs: their writer escapes C0 controls as JSON requires and leaves DEL, C1 controls and U+2028 as
/// valid JSON text.
public enum DisplayText {
    /// C0 controls other than tab, DEL, C1 controls (CSI is U+009B), and the Unicode line and paragraph
    /// separators that some viewers break lines at.
    package static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    public static func escaped(_ text: String) -> String {
        // The common case (nothing to escape) returns the string itself without copying, after one pass over its
        // bytes (contiguous storage when the string has it: the generic view cost a large report 5% of its time).
        let mayNeed = text.utf8.withContiguousStorageIfAvailable(mayNeedEscape) ?? text.utf8.contains(where: isSuspect)
        guard mayNeed, text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return out
    }

    /// Whether `bytes` hold a byte `escaped` must look at: a control, DEL, or the lead byte of C1 controls (0xC2)
    /// and of the format characters it escapes (0xE2). Plain ASCII words are passed over eight bytes at a time.
    static func mayNeedEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let high = UTF8Text.broadcast(0x80), delete = UTF8Text.broadcast(0x7F)
        var index = 0
        while index < bytes.count {
            index = UTF8Text.skippingPlainWords(bytes, from: index) { word in
                word & high == 0 && !UTF8Text.anyByteBelow(0x20, in: word) && UTF8Text.zeroBytes(word ^ delete) == 0
            }
            if bytes[index..<min(index + 8, bytes.count)].contains(where: isSuspect) { return true }
            index += 8
        }
        return false
    }

    private static func isSuspect(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }

    static func escaped(_ text: String?) -> String? { text.map(escaped) }

    /// Multi-line text (a rule's rationale) with its line breaks kept and everything else escaped.
    static func escapedKeepingLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\n")
    }

    /// Text for a terminal or a CI log in which no line can be a GitHub Actions workflow command: the runner reads
    /// `::command` after any leading blanks (no-break spaces included) and the older `##[command]`, so a `::` that
    /// starts a line's text and every `##[` get a zero-width space between their marks. Not for the `github`
    /// format, whose annotations are such commands on purpose.
    public static func neutralizingCommands(_ text: String) -> String {
        guard mayHoldCommand(text) else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            var line = lines[index]
            if line.contains("##[") { line = line.replacingOccurrences(of: "##[", with: "#\u{200B}#[") }
            let scalars = line.unicodeScalars
            if let start = scalars.firstIndex(where: { !$0.properties.isWhitespace && $0 != "\u{FEFF}" && $0 != "\u{200B}" }),
               scalars[start...].starts(with: "::".unicodeScalars) {
                var copy = String.UnicodeScalarView()
                copy.append(contentsOf: scalars[..<start])
                copy.append(contentsOf: ":\u{200B}:".unicodeScalars)
                copy.append(contentsOf: scalars[scalars.index(start, offsetBy: 2)...])
                line = String(copy)
            }
            lines[index] = line
        }
        return lines.joined(separator: "\n")
    }

    /// Whether the text holds `::` or `##[` at all: one pass over the bytes (Foundation's `contains` converts a
    /// report of megabytes to UTF-16 first).
    static func mayHoldCommand(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { mayHoldCommand($0) }
    }

    static func mayHoldCommand(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2, let base = UnsafeRawPointer(bytes.baseAddress) else { return false }
        let colon = UInt8(ascii: ":"), hash = UInt8(ascii: "#"), bracket = UInt8(ascii: "[")
        // Sixteen positions at a time, from three loads one byte apart: a `::` or a `##[` starting at any of them.
        // Report lines are full of single colons (`file:1:2: info:`), which a byte at a time looked at one by one.
        let colons = SIMD16<UInt8>(repeating: colon), hashes = SIMD16<UInt8>(repeating: hash)
        let brackets = SIMD16<UInt8>(repeating: bracket)
        var index = 0
        while index + 18 <= bytes.count {
            let first = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let second = base.loadUnaligned(fromByteOffset: index + 1, as: SIMD16<UInt8>.self)
            let third = base.loadUnaligned(fromByteOffset: index + 2, as: SIMD16<UInt8>.self)
            let marks = (first .== colons) .& (second .== colons) .| (first .== hashes) .& (second .== hashes) .& (third .== brackets)
            // Tested as two words: `any(_:)` is a call to a generic reduction.
            let words = unsafeBitCast(marks, to: (UInt64, UInt64).self)
            if words.0 | words.1 != 0 { return true }
            index += 16
        }
        while index + 1 < bytes.count {
            if bytes[index] == colon, bytes[index + 1] == colon { return true }
            if bytes[index] == hash, bytes[index + 1] == hash, index + 2 < bytes.count, bytes[index + 2] == bracket { return true }
            index += 1
        }
        return false
    }

    /// A file name as it starts a gcc or text report line: `::` there would be a GitHub workflow command
    /// (`::error::x.conf`), so such a name is shown as `./::error::x.conf`, the same file.
    static func path(_ file: String) -> String {
        let shown = escaped(file)
        return shown.hasPrefix("::") ? "./" + shown : shown
    }
}

extension SourceLocation {
    var forDisplay: SourceLocation {
        var copy = self
        copy.file = DisplayText.path(file)
        return copy
    }
}

extension Finding {
    /// The finding with everything that can come from input escaped for a terminal or a log line.
    public var forDisplay: Finding {
        var copy = self
        copy.key = DisplayText.escaped(key)
        copy.value = DisplayText.escaped(value)
        copy.location = location?.forDisplay
        copy.message = DisplayText.escaped(message)
        copy.fix = DisplayText.escaped(fix)
        copy.host = DisplayText.escaped(host)
        copy.evidence?.summary = DisplayText.escaped(evidence?.summary ?? "")
        return copy
    }
}

extension ComputedFigure {
    var forDisplay: ComputedFigure {
        var copy = self
        copy.inputs = inputs.map { input in
            var input = input
            input.value = DisplayText.escaped(input.value)
            input.source = DisplayText.escaped(input.source)
            input.rejected = input.rejected.map { rejected in
                var rejected = rejected
                rejected.value = DisplayText.escaped(rejected.value)
                rejected.source = DisplayText.escaped(rejected.source)
                return rejected
            }
            return input
        }
        return copy
    }
}

extension LintResult {
    /// The result with everything taken from input escaped, for the text, gcc, github, JUnit and Checkstyle
    /// formats.
    public var forDisplay: LintResult { forDisplay(includingFindings: true) }

    /// Without escaping the findings: for reporters that escape each finding as they write it.
    func forDisplay(includingFindings: Bool) -> LintResult {
        var copy = self
        if includingFindings { copy.findings = findings.map(\.forDisplay) }
        copy.suppressed = suppressed.map(\.forDisplay)
        copy.figures = figures.map(\.forDisplay)
        copy.files = files.map(DisplayText.escaped)
        copy.host = DisplayText.escaped(host)
        copy.runtimeSource = DisplayText.escaped(runtimeSource)
        copy.units = units.map { unit in
            var unit = unit
            unit.files = unit.files.map(DisplayText.escaped)
            unit.figures = unit.figures.map(\.forDisplay)
            return unit
        }
        return copy
    }
}

extension ChangeReview {
    /// The review with everything taken from input escaped, for the text and Markdown forms.
    var forDisplay: ChangeReview {
        var copy = self
        copy.values = values.map { change in
            var change = change
            change.key = DisplayText.escaped(change.key)
            change.before = DisplayText.escaped(change.before)
            change.after = DisplayText.escaped(change.after)
            change.defaultValue = DisplayText.escaped(change.defaultValue)
            change.beforeLocation = change.beforeLocation?.forDisplay
            change.afterLocation = change.afterLocation?.forDisplay
            return change
        }
        copy.figures = figures.map { change in
            var change = change
            change.before = change.before?.forDisplay
            change.after = change.after?.forDisplay
            return change
        }
        copy.introduced = introduced.map(\.forDisplay)
        copy.resolved = resolved.map(\.forDisplay)
        return copy
    }
}

/// Markdown for a pull-request comment, where input must not become markup: no HTML, images, links, mentions or
/// emphasis, and no way out of a table cell or a code span.
enum MarkdownText {
    /// Inline code: backticks cannot close it (they become `'`), `|` cannot end the table cell.
    static func code(_ text: String) -> String {
        "`" + DisplayText.escaped(text).replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// A code span that keeps its text as written: delimited by one backtick more than the longest run inside it
    /// (CommonMark), padded with spaces when the text starts or ends with a backtick.
    static func span(_ text: String) -> String {
        let run = longestBacktickRun(text)
        guard run > 0 else { return "`" + text + "`" }
        let fence = String(repeating: "`", count: run + 1)
        return fence + " " + text + " " + fence
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0, current = 0
        for byte in text.utf8 {
            current = byte == UInt8(ascii: "`") ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// Running text inside a table cell: the characters that start emphasis, code, links, images or strikethrough
    /// (or end the cell) backslash-escaped, `<` and `&` as entities (no HTML), `@` followed by a zero-width space
    /// (no mention), and a zero-width space in `://` and `www.` so that GitHub does not turn a URL from input into
    /// a link; control characters as `DisplayText` shows them.
    static func prose(_ text: String) -> String {
        let text = text.replacingOccurrences(of: "://", with: ":\u{200B}//").replacingOccurrences(of: "www.", with: "www\u{200B}.")
        var out = ""
        for character in DisplayText.escaped(text) {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "~":
                out.append("\\"); out.append(character)
            case "<": out += "&lt;"
            case "&": out += "&amp;"
            case "@": out += "@\u{200B}"
            default: out.append(character)
            }
        }
        return out
    }
}
