/// Findings written straight into the JSON writer, without building a `JSONValue` for each: the bytes are exactly
/// those of `write(JSONReporter.object(finding), indent:)` (a test holds the two together), at a fraction of the
/// allocations, which mattered in reports of a hundred thousand findings.
extension JSONWriter {
    mutating func writeFinding(_ finding: Finding, indent: Int) {
        var fields = FieldWriter(indent: indent)
        let location = finding.location
        fields.open(&self)
        fields.name("column", &self); writeOptional(location?.column)
        if let evidence = finding.evidence { fields.name("evidence", &self); write(JSONReporter.object(evidence), indent: indent + 1) }
        fields.name("file", &self); writeOptional(location?.file)
        fields.name("fix", &self); writeOptional(finding.fix)
        if let host = finding.host { fields.name("host", &self); writeString(host) }
        fields.name("key", &self); writeOptional(finding.key)
        fields.name("line", &self); writeOptional(location?.line)
        fields.name("message", &self); writeString(finding.message)
        fields.name("references", &self); writeStrings(finding.references, indent: indent + 1)
        fields.name("rule", &self); writeString(finding.rule)
        fields.name("severity", &self); writeString(finding.severity.rawValue)
        fields.name("value", &self); writeOptional(finding.value)
        fields.close(&self)
    }

    private mutating func writeOptional(_ text: String?) {
        if let text { writeString(text) } else { bytes.append(contentsOf: "null".utf8) }
    }

    private mutating func writeOptional(_ number: Int?) {
        if let number { UTF8Text.appendDecimal(number, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    private mutating func writeStrings(_ items: [String], indent: Int) {
        if items.isEmpty || !pretty {
            write(.array(items.map(JSONValue.string)), indent: indent)
            return
        }
        // `==` on arrays that share storage (one rule's references) answers without reading them.
        if let last = lastStrings, last.indent == indent, last.items == items { return bytes.append(contentsOf: last.bytes) }
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
        lastStrings = (items, indent, Array(bytes[start...]))
    }

    fileprivate mutating func appendIndent(_ level: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    /// The punctuation between an object's members, pretty or compact, as `write` lays them out.
    private struct FieldWriter {
        let indent: Int
        var first = true

        init(indent: Int) { self.indent = indent }

        func open(_ writer: inout JSONWriter) {
            writer.bytes.append(UInt8(ascii: "{"))
            if writer.pretty { writer.bytes.append(UInt8(ascii: "\n")) }
        }

        mutating func name(_ name: StaticString, _ writer: inout JSONWriter) {
            if !first {
                writer.bytes.append(UInt8(ascii: ","))
                if writer.pretty { writer.bytes.append(UInt8(ascii: "\n")) }
            }
            first = false
            if writer.pretty { writer.appendIndent(indent + 1) }
            writer.bytes.append(UInt8(ascii: "\""))
            writer.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            writer.bytes.append(contentsOf: writer.pretty ? "\" : ".utf8 : "\":".utf8)
        }

        func close(_ writer: inout JSONWriter) {
            if writer.pretty { writer.bytes.append(UInt8(ascii: "\n")); writer.appendIndent(indent) }
            writer.bytes.append(UInt8(ascii: "}"))
        }
    }
}
