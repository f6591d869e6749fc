import Foundation

/// A JSON reader over UTF-8 bytes for fleet exports: one osquery log line (one host) at a time, with no bridging
/// to Foundation objects. Strict RFC 8259 syntax; limits keep hostile input bounded: nesting depth, and the input
/// itself (a line is already capped by `LineStream`). Numbers keep their exact text's value: integers as `Int`
/// when they fit, anything else as `Double`.
package struct JSONParser {
    package struct Failure: Error, Equatable {
        /// 0-based byte offset of the problem.
        package var offset: Int
        package var message: String
    }

    static let maximumDepth = 64

    /// Which members a reader builds: those named in `keeping`, at the top level; other members are checked as
    /// strictly but left out, without building their strings (a fleet log's rows carry fields the reader never looks
    /// at). A kept member is built whole, unless its name is among `containers`: then its objects (and those of its
    /// arrays) are filtered the same way. Made once per reader, not once per line.
    package struct MemberFilter: Sendable {
        let keeping: Set<String>
        let containers: Set<String>
        /// The kept names as bytes, compared with a member name as written before any string is made of it.
        let keepingBytes: [[UInt8]]
        /// Most members that are left out are told apart by their length alone.
        let keptLengths: NameLengths
        /// Whether each of `keepingBytes` is a container, at the same positions.
        let keptContainers: [Bool]

        package init(keeping: Set<String>, containers: Set<String> = []) {
            self.keeping = keeping
            self.containers = containers
            let kept = keeping.sorted()
            keepingBytes = kept.map { Array($0.utf8) }
            keptLengths = NameLengths(keepingBytes)
            keptContainers = kept.map(containers.contains)
        }
    }

    package static func parse(_ bytes: some Collection<UInt8>, keeping filter: MemberFilter? = nil) throws(Failure) -> JSONValue {
        var rows: JSONRows? = nil
        return try parse(bytes, keeping: filter, rows: &rows)
    }

    /// The same, with the first top-level member named `rows.container` that holds an array read into `rows` (its
    /// objects' fields, in place) rather than built; it reads as an empty array in the value returned.
    package static func parse(_ bytes: some Collection<UInt8>, keeping filter: MemberFilter?, rows: inout JSONRows?) throws(Failure) -> JSONValue {
        rows?.removeAll()
        func run(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
            var parser = JSONParser(bytes: buffer, filter: filter)
            parser.rows = rows
            rows = nil  // one owner while the parser fills them
            defer { rows = parser.rows }
            parser.skipBlanks()
            let value = try parser.value(depth: 0, build: true, filtered: filter != nil)
            parser.skipBlanks()
            guard parser.offset == buffer.count else { throw parser.failure("unexpected text after the JSON value") }
            return value
        }
        // A log line is a slice of the reader's buffer: read in place when it is contiguous, as it always is.
        do {
            if let value = try bytes.withContiguousStorageIfAvailable({ buffer in Result { () throws(Failure) in try run(buffer) } }) {
                return try value.get()
            }
        }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(Failure) in try run(buffer) }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    let filter: MemberFilter?

    /// Where the rows of `parse(_:keeping:rows:)` go.
    var rows: JSONRows?

    private init(bytes: UnsafeBufferPointer<UInt8>, filter: MemberFilter?) {
        self.bytes = bytes
        self.filter = filter
    }

    /// Whether the member name at the offset (its opening quote) is kept, and whether it is a container, decided
    /// on its bytes when it has no escapes; nil when it has some, and only the decoded name can tell.
    private func keepsMember() -> (kept: Bool, container: Bool)? {
        guard let filter else { return (true, false) }
        let end = Self.stringStop(in: bytes, from: offset + 1)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[(offset + 1)..<end])
        guard filter.keptLengths.mayHold(name.count) else { return (false, false) }
        let position = filter.keepingBytes.firstIndex { kept in kept.withUnsafeBufferPointer { UTF8Text.same($0, name) } }
        return position.map { (true, filter.keptContainers[$0]) } ?? (false, false)
    }

    /// Where the string whose text starts at `from` stops being plain: its closing quote, a backslash, a control
    /// character, or the end of the input. Sixteen bytes at a time, then eight, then one: a fleet log is mostly
    /// strings, most of them shorter than sixteen bytes.
    /// On the bytes alone, not a method: a method of the parser copied the whole parser for every string.
    @inline(__always)
    static func stringStop(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var index = from
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let quotes = SIMD16<UInt8>(repeating: 0x22), backslashes = SIMD16<UInt8>(repeating: 0x5C)
            let controls = SIMD16<UInt8>(repeating: 0x20)
            while index + 16 <= bytes.count {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                let stops = (block .== quotes) .| (block .== backslashes) .| (block .< controls)
                // Read as two words of lanes that are all ones or all zeros: `any(_:)` is a call.
                let words = unsafeBitCast(stops, to: (UInt64, UInt64).self)
                if words.0 != 0 { return index + words.0.trailingZeroBitCount / 8 }
                if words.1 != 0 { return index + 8 + words.1.trailingZeroBitCount / 8 }
                index += 16
            }
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                // Quotes and backslashes exactly; bytes below 0x20 may flag a byte above the first of them too
                // (a borrow), which the lowest flag is never.
                let stops = UTF8Text.zeroBytes(word ^ UTF8Text.broadcast(0x22)) | UTF8Text.zeroBytes(word ^ UTF8Text.broadcast(0x5C))
                    | (word &- UTF8Text.broadcast(0x20)) & ~word & UTF8Text.broadcast(0x80)
                if stops != 0 { return index + stops.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 { index += 1 }
        return index
    }

    func failure(_ message: String) -> Failure { Failure(offset: offset, message: message) }

    /// Where the blanks (space, tab, line feed, carriage return) from `from` end.
    @inline(__always)
    static func afterBlanks(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        var at = from
        while at < count {
            let byte = base[at]
            guard byte <= 0x20, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { break }
            at += 1
        }
        return at
    }

    mutating func skipBlanks() {
        guard let base = bytes.baseAddress else { return }
        offset = Self.afterBlanks(base, bytes.count, from: offset)
    }

    /// The value at the offset; with `build` false it is checked but not built, and reads as null. `filtered`: its
    /// objects keep only the kept members.
    mutating func value(depth: Int, build: Bool, filtered: Bool = false) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object(depth: depth, build: build, filtered: filtered)
        case UInt8(ascii: "["): return try array(depth: depth, build: build, filtered: filtered)
        case UInt8(ascii: "\""):
            let text = try string(build: build)
            return build ? .string(text) : .null
        case UInt8(ascii: "t"): try literal("true"); return build ? .bool(true) : .null
        case UInt8(ascii: "f"): try literal("false"); return build ? .bool(false) : .null
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(build: build)
        default: throw failure("unexpected character")
        }
    }

    private mutating func object(depth: Int, build: Bool, filtered: Bool) throws(Failure) -> JSONValue {
        offset += 1
        var pairs: [(key: String, value: JSONValue)] = []
        if build { pairs.reserveCapacity(4) }  // a fleet row keeps two or three members: one allocation, not two
        skipBlanks()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return build ? .object(pairs) : .null }
        while true {
            skipBlanks()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw failure("expected a quoted member name") }
            let plainly: (kept: Bool, container: Bool)? = !build ? (false, false) : filtered ? keepsMember() : (true, false)
            let key = try string(build: plainly?.kept != false)
            let kept = build && (plainly?.kept ?? filter?.keeping.contains(key) ?? true)
            let container = plainly?.container ?? (filter?.containers.contains(key) == true)
            skipBlanks()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            offset += 1
            skipBlanks()
            let member: JSONValue
            if depth == 0, kept, let rows, !rows.collected, key == rows.container, offset < bytes.count, bytes[offset] == UInt8(ascii: "[") {
                try collectRows(depth: depth + 1)
                member = .array([])
            } else {
                member = try value(depth: depth + 1, build: kept, filtered: filtered && kept && container)
            }
            if kept { pairs.append((key, member)) }
            skipBlanks()
            guard offset < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "}") { offset += 1; return build ? .object(pairs) : .null }
            throw failure("expected ',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int, build: Bool, filtered: Bool) throws(Failure) -> JSONValue {
        offset += 1
        var items: [JSONValue] = []
        skipBlanks()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return build ? .array(items) : .null }
        while true {
            skipBlanks()
            let item = try value(depth: depth + 1, build: build, filtered: filtered)
            if build { items.append(item) }
            skipBlanks()
            guard offset < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "]") { offset += 1; return build ? .array(items) : .null }
            throw failure("expected ',' or ']' in an array")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count,
              UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[offset..<offset + count]) else {
            throw failure("unexpected character")
        }
        offset += count
    }

    private mutating func number(build: Bool) throws(Failure) -> JSONValue {
        let start = offset
        func digits() -> Int {
            let from = offset
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
            return offset - from
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        guard digits() > 0 else { throw failure("a number needs digits") }
        if bytes[integerStart] == UInt8(ascii: "0"), offset - integerStart > 1 { throw Failure(offset: integerStart, message: "a number cannot start with 0") }
        var isInteger = true
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            isInteger = false
            guard digits() > 0 else { throw failure("a fraction needs digits") }
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            isInteger = false
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw failure("an exponent needs digits") }
        }
        guard build else { return .null }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if isInteger, let integer = Int(text), integer != 0 || bytes[start] != UInt8(ascii: "-") { return .int(integer) }
        return .double(Double(text) ?? .nan)
    }

    /// A string, its escapes decoded. Raw control characters are refused, as RFC 8259 requires; invalid UTF-8 and
    /// lone surrogates become U+FFFD rather than failing a whole host.
    /// With `build` false the string is checked as strictly and "" is returned.
    mutating func string(build: Bool = true) throws(Failure) -> String {
        offset += 1
        let start = offset
        offset = Self.stringStop(in: bytes, from: offset)
        guard offset < bytes.count else { throw Failure(offset: start - 1, message: "unterminated string") }
        if bytes[offset] == UInt8(ascii: "\"") {
            defer { offset += 1 }
            return build ? String(decoding: bytes[start..<offset], as: UTF8.self) : ""
        }
        var decoded = Array(bytes[start..<offset])
        while true {
            guard offset < bytes.count else { throw Failure(offset: start - 1, message: "unterminated string") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") { offset += 1; return build ? String(decoding: decoded, as: UTF8.self) : "" }
            guard byte >= 0x20 else { throw failure("a control character inside a string must be escaped") }
            guard byte == UInt8(ascii: "\\") else { decoded.append(byte); offset += 1; continue }
            offset += 1
            guard offset < bytes.count else { throw Failure(offset: start - 1, message: "unterminated string") }
            let escape = bytes[offset]
            offset += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                    let mark = offset
                    offset += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) } else { offset = mark }
                }
                decoded.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default:
                throw Failure(offset: offset - 2, message: "unknown escape '\\\(String(decoding: [escape], as: UTF8.self))'")
            }
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw failure("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw failure("\\u needs four hex digits")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}

/// The lengths of a few names as bits (bit n for a name n bytes long; names of 64 bytes or more share bit 63): a
/// member name of any other length is none of them, which is told without comparing its bytes.
struct NameLengths: Sendable {
    private let bits: UInt64

    init(_ names: [[UInt8]]) {
        bits = names.reduce(0) { $0 | Self.bit($1.count) }
    }

    func mayHold(_ count: Int) -> Bool { bits & Self.bit(count) != 0 }

    private static func bit(_ count: Int) -> UInt64 { 1 << UInt64(min(count, 63)) }
}
