/// The lines of Prometheus' text exposition format that node_exporter's sysctl collector writes, read on their
/// bytes: `# HELP metric sysctl KEY[, field N]` and `metric{label="value",…} value [timestamp]`. Positions are
/// offsets into the line; label values are decoded (`\n`, `\\`, `\"`). A line is read as its blanks trimmed.
enum PrometheusText {
    /// A sample line: its metric name and value by position in the line, and the labels the reader uses.
    struct Sample {
        var metric: Range<Int>
        var value: Range<Int>
        var instance: Label?
        var index: Label?
        var name: Label?
        var valueLabel: Label?
    }

    /// A label's value: its bytes in the line when it holds no escape, as nearly always, else decoded.
    enum Label {
        case plain(Range<Int>)
        case decoded([UInt8])

        func withBytes<Result>(in line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            switch self {
            case .plain(let range): body(UnsafeBufferPointer(rebasing: line[range]))
            case .decoded(let bytes): bytes.withUnsafeBufferPointer(body)
            }
        }

        func text(in line: UnsafeBufferPointer<UInt8>) -> String {
            withBytes(in: line) { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// A `# HELP` line that names a sysctl: the metric, the key, and the field of a multi-value key it holds.
    struct Help {
        var metric: Range<Int>
        var key: Range<Int>
        var field: Int?
    }

    static let samplePrefix = Array("node_sysctl_".utf8), infoMetric = Array("node_sysctl_info".utf8)
    private static let helpPrefix = Array("# HELP ".utf8), sysctlWord = Array("sysctl ".utf8)

    private static let space = UInt8(ascii: " "), comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")

    /// `metric{a="x",b="y"} value [timestamp]`: nil when a `{` has no `}` after it or no value follows. The labels
    /// end at the line's last `}`; a label whose value is not quoted ends the labels read. A label given twice
    /// keeps its last value.
    static func sample(_ line: UnsafeBufferPointer<UInt8>) -> Sample? {
        labelSection(line).flatMap { sample(line, section: $0) }
    }

    /// The same, for a line whose `labelSection` the caller has found already.
    static func sample(_ line: UnsafeBufferPointer<UInt8>, section: (metricEnd: Int, labels: Range<Int>?)) -> Sample? {
        let (metricEnd, labels) = section
        var sample = Sample(metric: 0..<metricEnd, value: 0..<0)
        var at = metricEnd
        if let labels {
            readLabels(line, from: labels.lowerBound, to: labels.upperBound, into: &sample)
            at = labels.upperBound + 1
        }
        while at < line.count, line[at] == space { at += 1 }
        let start = at
        at = UTF8Text.firstIndex(of: space, in: line, from: at) ?? line.count
        guard at > start else { return nil }
        sample.value = start..<at
        return sample
    }

    /// Where a sample line's metric name ends (at the first `{` or space), and its labels: the bytes between that
    /// `{` and the line's last `}` (nil when the name ends at a space or the line); nil when a `{` has no `}` after
    /// it. Lines whose label sections are the same bytes have the same labels.
    static func labelSection(_ line: UnsafeBufferPointer<UInt8>) -> (metricEnd: Int, labels: Range<Int>?)? {
        let brace = UTF8Text.firstIndex(of: UInt8(ascii: "{"), in: line, from: 0)
        if let end = UTF8Text.firstIndex(of: space, in: line, from: 0, to: brace) { return (end, nil) }
        guard let brace else { return (line.count, nil) }
        var close = line.count - 1
        while close > brace, line[close] != UInt8(ascii: "}") { close -= 1 }
        guard close > brace else { return nil }
        return (brace, (brace + 1)..<close)
    }

    private static func readLabels(_ line: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, into sample: inout Sample) {
        var at = from
        while at < end {
            guard let equals = UTF8Text.firstIndex(of: UInt8(ascii: "="), in: line, from: at, to: end) else { return }
            // The name between the last label and `=`, without the blanks and commas around it.
            var nameStart = at, nameEnd = equals
            while nameStart < nameEnd, UTF8Text.isBlank(line[nameStart]) || line[nameStart] == comma { nameStart += 1 }
            while nameEnd > nameStart, UTF8Text.isBlank(line[nameEnd - 1]) || line[nameEnd - 1] == comma { nameEnd -= 1 }
            var cursor = equals + 1
            guard cursor < end, line[cursor] == quote else { return }
            cursor += 1
            let valueStart = cursor
            cursor = UTF8Text.firstIndex(of: quote, in: line, from: cursor, to: end) ?? end
            if let escape = UTF8Text.firstIndex(of: UInt8(ascii: "\\"), in: line, from: valueStart, to: cursor) { cursor = escape }
            var value = Label.plain(valueStart..<cursor)
            if cursor < end, line[cursor] == UInt8(ascii: "\\") {
                var decoded = Array(line[valueStart..<cursor])
                while cursor < end, line[cursor] != quote {
                    if line[cursor] == UInt8(ascii: "\\"), cursor + 1 < end {
                        cursor += 1
                        decoded.append(line[cursor] == UInt8(ascii: "n") ? 0x0A : line[cursor])
                    } else {
                        decoded.append(line[cursor])
                    }
                    cursor += 1
                }
                value = .decoded(decoded)
            }
            switch nameEnd - nameStart {  // told apart by length first, then by bytes
            case 8 where same(line, nameStart, "instance"): sample.instance = value
            case 5 where same(line, nameStart, "index"): sample.index = value
            case 5 where same(line, nameStart, "value"): sample.valueLabel = value
            case 4 where same(line, nameStart, "name"): sample.name = value
            default: break
            }
            at = cursor < end ? cursor + 1 : cursor
        }
    }

    /// Whether `line` holds `word` at `start` (the caller knows the room is there).
    @inline(__always)
    private static func same(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: StaticString) -> Bool {
        UTF8Text.same(UnsafeBufferPointer(rebasing: line[start..<(start + word.utf8CodeUnitCount)]),
                      UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// Whether `line` starts with `prefix`, compared as bytes.
    static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
        line.count >= prefix.count && prefix.withUnsafeBufferPointer { UTF8Text.same(UnsafeBufferPointer(rebasing: line[..<$0.count]), $0) }
    }

    /// `# HELP metric sysctl KEY` or `# HELP metric sysctl KEY, field N`; nil for any other line. The metric is
    /// the first word after `# HELP `; exactly one space must follow it, then `sysctl `.
    static func help(_ line: UnsafeBufferPointer<UInt8>) -> Help? {
        guard starts(line, with: helpPrefix) else { return nil }
        var at = helpPrefix.count
        while at < line.count, line[at] == space { at += 1 }
        let metricStart = at
        at = UTF8Text.firstIndex(of: space, in: line, from: at) ?? line.count
        guard at > metricStart, at < line.count else { return nil }
        let metric = metricStart..<at
        at += 1
        guard starts(UnsafeBufferPointer(rebasing: line[at...]), with: sysctlWord) else { return nil }
        at += sysctlWord.count
        while at < line.count, line[at] == comma { at += 1 }
        let keyStart = at
        at = UTF8Text.firstIndex(of: comma, in: line, from: at) ?? line.count
        guard at > keyStart else { return nil }
        var key = keyStart..<at
        while key.lowerBound < key.upperBound, UTF8Text.isBlank(line[key.lowerBound]) { key = (key.lowerBound + 1)..<key.upperBound }
        while key.upperBound > key.lowerBound, UTF8Text.isBlank(line[key.upperBound - 1]) { key = key.lowerBound..<(key.upperBound - 1) }
        // After the comma: the field's number is its last word.
        var field: Int?
        if at < line.count {
            var end = line.count
            while end > at + 1, line[end - 1] == space { end -= 1 }
            var start = end
            while start > at + 1, line[start - 1] != space { start -= 1 }
            if start < end { field = Int(String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)) }
        }
        return Help(metric: metric, key: key, field: field)
    }

    /// A value as the kernel would have printed it: `3.3554432e+07` is `33554432`; an integer, or anything that
    /// is not a whole number, stays as written. Integers are told apart on their bytes, without a string.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var at = 0
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") { at += 1 }
        var digits = 0, magnitude: UInt64 = 0, fits = true
        while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(bytes[at] - 0x30))
            if overflow || carry { fits = false }
            magnitude = sum
            digits += 1
            at += 1
        }
        let negative = bytes.first == UInt8(ascii: "-")
        if at == bytes.count, digits > 0, fits, magnitude <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let double = Double(text), double.isFinite, double == double.rounded(), abs(double) < 9.2e18 else { return nil }
        return String(Int64(double))
    }
}
