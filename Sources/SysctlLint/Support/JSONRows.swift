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
    /// A row with no field set, appended whole when a row starts.
    private let emptyRow: [Int]
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
        emptyRow = Array(repeating: [Self.absent, 0], count: fields.count).flatMap { $0 }
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

    mutating func startRow() {
        slots.append(contentsOf: emptyRow)
    }

    /// Sets a field of the last row, unless it is set already.
    mutating func set(_ field: Int, _ value: Field) {
        let slot = slots.count - 2 * (names.count - field)
        guard slots[slot] == Self.absent else { return }
        switch value {
        case .bytes(let range):
            slots[slot] = range.lowerBound
            slots[slot + 1] = range.upperBound
        case .value(let value):
            slots[slot] = Self.isBuilt
            slots[slot + 1] = built.count
            built.append(value)
        }
    }

    func hasField(_ field: Int) -> Bool { slots[slots.count - 2 * (names.count - field)] != Self.absent }

    /// The field a member name written without escapes is, by its bytes.
    func field(named name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard nameLengths.mayHold(name.count) else { return nil }
        return nameBytes.firstIndex { wanted in wanted.withUnsafeBufferPointer { UTF8Text.same($0, name) } }
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
    private mutating func collectRow(depth: Int, into rows: inout JSONRows) throws(Failure) {
        rows.startRow()
        offset += 1
        skipBlanks()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
        while true {
            skipBlanks()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw failure("expected a quoted member name") }
            let field: Int?
            if let name = plainString() {
                field = rows.field(named: UnsafeBufferPointer(rebasing: bytes[name]))
            } else {
                let name = try string(build: true)
                field = rows.names.firstIndex { $0 == name }
            }
            skipBlanks()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            offset += 1
            skipBlanks()
            if let field, !rows.hasField(field) {
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "\""), let text = plainString() {
                    rows.set(field, .bytes(text))
                } else {
                    let built = try value(depth: depth + 1, build: true)
                    rows.set(field, .value(built))
                }
            } else if offset >= bytes.count || bytes[offset] != UInt8(ascii: "\"") || plainString() == nil {
                _ = try value(depth: depth + 1, build: false)  // a plain string is passed over without a call
            }
            skipBlanks()
            guard offset < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
            throw failure("expected ',' or '}' in an object")
        }
    }

    /// The bytes of the string at the offset (its opening quote) when it holds no escape and no control
    /// character, and the offset moved past it; else nil and the offset unmoved.
    private mutating func plainString() -> Range<Int>? {
        let end = Self.stringStop(in: bytes, from: offset + 1)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        defer { offset = end + 1 }
        return (offset + 1)..<end
    }
}
