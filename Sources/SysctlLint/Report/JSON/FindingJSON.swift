/// Findings written straight into the JSON writer, without building a `JSONValue` for each: the bytes are exactly
/// those of `write(JSONReporter.object(finding), indent:)` (a test holds the two together), at a fraction of the
/// allocations, which mattered in reports of a hundred thousand findings.
extension JSONWriter {
    mutating func writeFinding(_ finding: Finding, indent: Int) {
        if findingLayout?.indent != indent || findingLayout?.pretty != pretty { findingLayout = FindingLayout(indent: indent, pretty: pretty) }
        guard let layout = findingLayout else { return }
        let location = finding.location
        bytes.append(contentsOf: layout.column); writeOptional(location?.column)
        if let evidence = finding.evidence {
            bytes.append(contentsOf: layout.evidence)
            write(JSONReporter.object(evidence), indent: indent + 1)
        }
        bytes.append(contentsOf: layout.file); writeOptional(location?.file)
        bytes.append(contentsOf: layout.fix); writeOptional(finding.fix)
        if let host = finding.host { bytes.append(contentsOf: layout.host); writeString(host) }
        bytes.append(contentsOf: layout.key); writeOptional(finding.key)
        bytes.append(contentsOf: layout.line); writeOptional(location?.line)
        bytes.append(contentsOf: layout.message); writeString(finding.message)
        bytes.append(contentsOf: layout.references); writeStrings(finding.references, indent: indent + 1)
        bytes.append(contentsOf: layout.rule); writeString(finding.rule)
        bytes.append(contentsOf: layout.severity); writeString(finding.severity.rawValue)
        bytes.append(contentsOf: layout.value); writeOptional(finding.value)
        bytes.append(contentsOf: layout.close)
    }

    @_transparent private mutating func writeOptional(_ text: String?) {
        if let text { writeString(text) } else { bytes.append(contentsOf: "null".utf8) }
    }

    @_transparent private mutating func writeOptional(_ number: Int?) {
        if let number { bytes.appendDecimal(number) } else { bytes.append(contentsOf: "null".utf8) }
    }

    private mutating func writeStrings(_ items: [String], indent: Int) {
        if items.isEmpty || !pretty {
            write(.array(items.map(JSONValue.string)), indent: indent)
            return
        }
        // Compared by bytes (not `==`, for which canonically equivalent text is equal); lists that share storage (one
        // rule's references) are the same without a look.
        if let last = lastStrings, last.indent == indent, UTF8Text.sameBytes(last.items, items) { return bytes.append(contentsOf: last.bytes) }
        let start = bytes.count
        bytes.append(contentsOf: "[\n".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(contentsOf: ",\n".utf8) }
            appendIndent(indent + 1)
            writeString(item)
        }
        bytes.append(UInt8(ascii: "\n"))
        appendIndent(indent)
        bytes.append(UInt8(ascii: "]"))
        lastStrings = (items, indent, bytes.array(from: start))
    }

    fileprivate mutating func appendIndent(_ level: Int) {
        bytes.append(repeating: UInt8(ascii: " "), count: 2 * level)
    }

}

/// The punctuation of a finding's object at one depth, made once and copied whole: the opening brace with the first
/// member's name, each later member's comma, indent and quoted name (`,\n      "file" : `), and the closing brace,
/// laid out as `JSONWriter.write` lays out an object. Written piece by piece, it was a third of the time of a large
/// JSON report.
final class FindingLayout: Sendable {
    let indent: Int
    let pretty: Bool
    let column, evidence, file, fix, host, key, line, message, references, rule, severity, value, close: [UInt8]

    init(indent: Int, pretty: Bool) {
        self.indent = indent
        self.pretty = pretty
        let inner: [UInt8] = pretty ? Array(repeating: UInt8(ascii: " "), count: 2 * (indent + 1)) : []
        func member(_ name: String, first: Bool = false) -> [UInt8] {
            var bytes: [UInt8] = first ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            if pretty { bytes.append(UInt8(ascii: "\n")) }
            bytes += inner + [UInt8(ascii: "\"")] + Array(name.utf8) + Array((pretty ? "\" : " : "\":").utf8)
            return bytes
        }
        column = member("column", first: true)
        evidence = member("evidence")
        file = member("file")
        fix = member("fix")
        host = member("host")
        key = member("key")
        line = member("line")
        message = member("message")
        references = member("references")
        rule = member("rule")
        severity = member("severity")
        value = member("value")
        close = (pretty ? [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: 2 * indent) : []) + [UInt8(ascii: "}")]
    }
}
