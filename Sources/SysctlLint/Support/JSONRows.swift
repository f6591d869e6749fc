/// The rows of one array in a JSON line, read in place rather than built as values: a fleet log's host carries a
/// few hundred rows of which a reader wants two or three fields, and building each row as an object with its
/// strings was most of the cost of reading the log. A field that is a string without escapes is its bytes in the
/// input; anything else is the value built. The first occurrence of a field in a row counts, as a built object's
/// lookup finds it (`JSONValue`'s subscript).
package struct JSONRows {
    package enum Field {
        /// A string without escapes: its bytes, by offset in the parsed input.
        case bytes(Range<Int>)
        case value(JSONValue)
    }

    /// The top-level member whose array holds the rows.
    package let container: String
    /// The fields read from each row, by position.
    package let names: [String]
    private let nameBytes: [[UInt8]]
    /// Most members a row holds are told apart from the wanted ones by their length alone.
    private let nameLengths: NameLengths
    /// Two integers a field, `names.count` fields a row, row after row: a plain string's start and end, or
    /// `absent`, or `built` and the value's position in `built`. Integers, so that starting a line's rows again
    /// destroys nothing (a row of enums with values in them cost more to clear than to read).
    private var slots: [Int] = []
    private var built: [JSONValue] = []
    private static let absent = -1, isBuilt = -2
    /// Whether the rows were read from this line (the first such member only).
    var collected = false

    package init(container: String, fields: [String]) {
        self.container = container
        names = fields
        nameBytes = fields.map { Array($0.utf8) }
        nameLengths = NameLengths(nameBytes)
    }

    package var count: Int { names.isEmpty ? 0 : slots.count / (2 * names.count) }

    /// Field `field` (a position in `names`) of row `row`, or nil when the row has none.
    package subscript(row: Int, field: Int) -> Field? {
        let slot = 2 * (row * names.count + field)
        switch slots[slot] {
        case Self.absent: return nil
        case Self.isBuilt: return .value(built[slots[slot + 1]])
        case let start: return .bytes(start..<slots[slot + 1])
        }
    }

    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        built.removeAll(keepingCapacity: true)
        collected = false
    }

    /// Starts a row with no field set, and returns where its slots start (the `row` of `set` and `hasField`).
    /// Slot by slot: appending a row kept for the purpose counted a reference to it twice a row.
    mutating func startRow() -> Int {
        let start = slots.count
        for _ in 0..<names.count {
            slots.append(Self.absent)
            slots.append(0)
        }
        return start
    }

    /// Sets a field of the row starting at slot `row` to a plain string's bytes, unless it is set already.
    @inline(__always)
    mutating func set(_ field: Int, row: Int, start: Int, end: Int) {
        let slot = row + 2 * field
        guard slots[slot] == Self.absent else { return }
        slots[slot] = start
        slots[slot + 1] = end
    }

    /// Sets a field of the row starting at slot `row` to a built value, unless it is set already.
    mutating func set(_ field: Int, row: Int, value: JSONValue) {
        let slot = row + 2 * field
        guard slots[slot] == Self.absent else { return }
        slots[slot] = Self.isBuilt
        slots[slot + 1] = built.count
        built.append(value)
    }

    func hasField(_ field: Int, row: Int) -> Bool { slots[row + 2 * field] != Self.absent }

    /// The field a member name written without escapes is, by its bytes.
    func field(named name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard nameLengths.mayHold(name.count) else { return nil }
        for position in nameBytes.indices where nameBytes[position].count == name.count {
            if nameBytes[position].withUnsafeBufferPointer({ UTF8Text.same($0, name) }) { return position }
        }
        return nil
    }
}

extension JSONParser {
    /// The array at the offset, each object in it read into `rows`; anything else in it checked and passed over.
    /// Errors, their offsets and the depth limit are those of reading the array as a value.
    mutating func collectRows(depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        // The rows are filled as a local value with one owner: through the optional member, every use copied it.
        guard var table = rows else { return }
        rows = nil
        defer { rows = table }
        table.collected = true
        offset += 1
        skipBlanks()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
        while true {
            skipBlanks()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "{"), depth + 1 < Self.maximumDepth {
                try collectRow(depth: depth + 1, into: &table)
            } else {
                _ = try value(depth: depth + 1, build: false)
            }
            skipBlanks()
            guard offset < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
            throw failure("expected ',' or ']' in an array")
        }
    }

    /// One object of the rows' array, its wanted fields kept; checked as strictly as when it is built.
    /// Read through a local position and the buffer's pointer: a fleet log is row after row of these, and going
    /// through the parser's own offset for each member cost twice as much. `offset` is set
    /// before anything that throws or reads on from it, so errors point where they always did.
    private mutating func collectRow(depth: Int, into rows: inout JSONRows) throws(Failure) {
        let row = rows.startRow()
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }  // never: the row's `{` is in the bytes
        var at = Self.afterBlanks(base, count, from: offset + 1)
        if at < count, base[at] == UInt8(ascii: "}") { offset = at + 1; return }
        while true {
            at = Self.afterBlanks(base, count, from: at)
            guard at < count, base[at] == UInt8(ascii: "\"") else { offset = at; throw failure("expected a quoted member name") }
            let field: Int?
            let nameEnd = Self.stringStop(in: bytes, from: at + 1)
            if nameEnd < count, base[nameEnd] == UInt8(ascii: "\"") {
                field = rows.field(named: UnsafeBufferPointer(start: base + at + 1, count: nameEnd - at - 1))
                at = nameEnd + 1
            } else {
                offset = at
                let name = try string(build: true)
                field = rows.names.firstIndex { $0 == name }
                at = offset
            }
            at = Self.afterBlanks(base, count, from: at)
            guard at < count, base[at] == UInt8(ascii: ":") else { offset = at; throw failure("expected ':' after a member name") }
            at = Self.afterBlanks(base, count, from: at + 1)
            // A plain string is read here, kept or not; anything else goes through `value`.
            var plainEnd = -1
            if at < count, base[at] == UInt8(ascii: "\"") {
                let end = Self.stringStop(in: bytes, from: at + 1)
                if end < count, base[end] == UInt8(ascii: "\"") { plainEnd = end }
            }
            if plainEnd >= 0 {
                if let field { rows.set(field, row: row, start: at + 1, end: plainEnd) }
                at = plainEnd + 1
            } else {
                offset = at
                if let field, !rows.hasField(field, row: row) {
                    rows.set(field, row: row, value: try value(depth: depth + 1, build: true))
                } else {
                    _ = try value(depth: depth + 1, build: false)
                }
                at = offset
            }
            at = Self.afterBlanks(base, count, from: at)
            guard at < count else { offset = at; throw failure("unexpected end of input in an object") }
            if base[at] == UInt8(ascii: ",") { at += 1; continue }
            offset = at
            if base[at] == UInt8(ascii: "}") { offset += 1; return }
            throw failure("expected ',' or '}' in an object")
        }
    }
}
