import Foundation

/// Writes `JSONValue`s as UTF-8 bytes, in exactly the layout `JSONSerialization` gives with `.sortedKeys` and
/// `.withoutEscapingSlashes` (the layout of every report this tool has written), at a fraction of its cost: no
/// bridging to `NSDictionary`, no dynamic casts, no locale-aware comparison for the plain keys reports use.
///
/// Layout, pretty: `{`, one `"key" : value` per line indented by two spaces per level, `}`; an empty object or
/// array is `{`, an empty line, `}`. Compact: no whitespace at all. Numbers: integers as written; doubles as Swift
/// prints them without a trailing `.0` (`3`, `0.1`, `1e+20`); a non-finite double, which JSON cannot hold, as `null`.
public struct JSONWriter {
    public var pretty: Bool
    /// What has been written; shared by copies of the writer, which has one owner (see `ByteBuffer`).
    let bytes: ByteBuffer
    /// The last list of strings a finding wrote (its references) and the bytes written for it: a rule's findings
    /// share their references, which were half of a large report's bytes, and are escaped once.
    var lastStrings: (items: [String], indent: Int, bytes: [UInt8])?
    /// The punctuation of the findings' objects at the depth last written (`writeFinding`).
    var findingLayout: FindingLayout?

    public init(pretty: Bool, reservingCapacity capacity: Int = 0) {
        self.pretty = pretty
        bytes = ByteBuffer(capacity: capacity)
    }

    /// The document as a string, for reporters that return text.
    public static func string(_ value: JSONValue, pretty: Bool) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(value)
        return writer.bytes.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Hands the bytes written so far to `sink` and starts again, keeping the buffer's capacity.
    mutating func drain(into sink: inout ReportSink) {
        sink.take(bytes)
    }

    public mutating func write(_ value: JSONValue, indent: Int = 0) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): bytes.appendDecimal(number)
        case .double(let number): writeNumber(number)
        case .string(let text): writeString(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            if pretty { bytes.append(UInt8(ascii: "\n")) }
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")); if pretty { bytes.append(UInt8(ascii: "\n")) } }
                if pretty { writeIndent(indent + 1) }
                write(item, indent: indent + 1)
            }
            if pretty { bytes.append(UInt8(ascii: "\n")); writeIndent(indent) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let pairs):
            bytes.append(UInt8(ascii: "{"))
            if pretty { bytes.append(UInt8(ascii: "\n")) }
            for (index, pair) in Self.sorted(pairs).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")); if pretty { bytes.append(UInt8(ascii: "\n")) } }
                if pretty { writeIndent(indent + 1) }
                writeString(pair.key)
                append(pretty ? " : " : ":")
                write(pair.value, indent: indent + 1)
            }
            if pretty { bytes.append(UInt8(ascii: "\n")); writeIndent(indent) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func writeIndent(_ level: Int) {
        bytes.append(repeating: UInt8(ascii: " "), count: 2 * level)
    }

    private mutating func writeNumber(_ number: Double) {
        guard number.isFinite else { return append("null") }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        append(text)
    }

    /// Quotes and backslashes escaped, `\b \f \n \r \t` by name, other C0 controls as `\u00xx`; everything
    /// else (DEL, `/`, non-ASCII) as its UTF-8 bytes.
    ///
    /// Inlined, with the work on bytes in a function that releases nothing (`ByteBuffer.appendEscapedJSON`): a
    /// finding's fields are then written without counting a reference to each, which was a sixth of a large
    /// report's time.
    @_transparent
    mutating func writeString(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.appendEscapedJSON($0) }) == nil {
            var text = text
            text.withUTF8 { bytes.appendEscapedJSON($0) }
        }
    }

    // MARK: Key order

    /// Foundation's comparison is an order only for short text: past 64 UTF-16 units swift-corelibs-foundation can
    /// call two different keys equal, or each less than the other, and a sort by it then depends on the order the
    /// keys came in (fuzzing found a document that did not round-trip). Report keys are far shorter; an object
    /// holding a longer key, which only input can make, is sorted by its keys' bytes: one order for all of them.
    static let longestCollatedKey = 64

    static func sorted(_ pairs: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        guard pairs.count >= 2 else { return pairs }
        let byBytes = pairs.contains { $0.key.utf16.count > longestCollatedKey }
        func order(_ a: String, _ b: String) -> Bool { byBytes ? a.utf8.lexicographicallyPrecedes(b.utf8) : precedes(a, b) }
        if zip(pairs, pairs.dropFirst()).allSatisfy({ order($0.key, $1.key) }) { return pairs }
        return pairs.sorted { order($0.key, $1.key) }
    }

    /// `JSONSerialization`'s order: `compare` with `[.numeric, .caseInsensitive, .forcedOrdering]` in the system
    /// locale. For keys of ASCII letters and `_` only (every fixed key of every report) that order is a
    /// byte comparison after lower-casing, which is what runs here; any other pair goes to Foundation.
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let order = plainOrder(a, b) { return order }
        let options: NSString.CompareOptions = [.numeric, .caseInsensitive, .forcedOrdering]
        return (a as NSString).compare(b, options: options, range: NSRange(location: 0, length: (a as NSString).length),
                                       locale: NSLocale.system) == .orderedAscending
    }

    /// The order of two keys made of ASCII letters and `_`, or nil for anything else (including keys equal
    /// but for case, where forced ordering decides).
    private static func plainOrder(_ a: String, _ b: String) -> Bool? {
        var left = a.utf8.makeIterator(), right = b.utf8.makeIterator()
        var decided: Bool?
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return decided
            case (nil, let r?): return isPlain(r) ? (decided ?? true) : nil
            case (let l?, nil): return isPlain(l) ? (decided ?? false) : nil
            case (let l?, let r?):
                guard isPlain(l), isPlain(r) else { return nil }
                let x = l | 0x20, y = r | 0x20  // lower-case; `_` (0x5F) stays below the letters
                let lx = l == UInt8(ascii: "_") ? l : x, ry = r == UInt8(ascii: "_") ? r : y
                if decided == nil, lx != ry { decided = lx < ry }
            }
        }
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }
}
