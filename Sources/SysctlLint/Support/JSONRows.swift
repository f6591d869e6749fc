import Foundation

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

    /// The shape of the last row read member by member, when each of its values was a plain string: the bytes
    /// around its values, back to back in `shapeBytes` and ending at `shapeEnds` (one piece more than values), and
    /// the field each value set (`noField`: none). A fleet log's rows repeat one shape, and a row whose bytes
    /// outside its values are the shape's is read by comparing them (`JSONParser.collectRowByShape`): the same
    /// bytes are the same members, checked as strictly as when they were read one by one.
    private(set) var shapeBytes: [UInt8] = []
    private(set) var shapeEnds: [Int] = []
    private(set) var shapeFields: [Int] = []
    static let noField = -1
    /// At most this many values and bytes a shape: a row of five members is about a hundred bytes.
    static let shapeValueLimit = 8, shapeByteLimit = 1024
    /// The row being read member by member: its plain values as start, end and field triples, while it may still
    /// become the shape.
    private var learning: [Int] = []
    private var learnable = false

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

    /// Drops the row starting at slot `row`, which holds plain strings only (as `collectRowByShape` sets them).
    mutating func dropRow(startingAt row: Int) {
        slots.removeSubrange(row...)
    }

    /// A row is read member by member from here: it may become the shape.
    mutating func startLearning() {
        learning.removeAll(keepingCapacity: true)
        learnable = true
    }

    /// A plain string value of the row being read, and the field it was read for (nil: none).
    mutating func learn(valueFrom start: Int, to end: Int, field: Int?) {
        guard learnable else { return }
        guard learning.count < 3 * Self.shapeValueLimit else { learnable = false; return }
        learning.append(start)
        learning.append(end)
        learning.append(field ?? Self.noField)
    }

    /// A value that is not a plain string: this row's shape is not kept.
    mutating func cannotLearn() { learnable = false }

    /// The row read member by member spans `bytes[start..<end]`: it becomes the shape if each of its values was a
    /// plain string.
    mutating func learnShape(from bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        guard learnable, end - start <= Self.shapeByteLimit else { return }
        learnable = false
        shapeBytes.removeAll(keepingCapacity: true)
        shapeEnds.removeAll(keepingCapacity: true)
        shapeFields.removeAll(keepingCapacity: true)
        var from = start
        for value in stride(from: 0, to: learning.count, by: 3) {
            shapeBytes.append(contentsOf: bytes[from..<learning[value]])  // a slice (see `SnapshotTable.appendIdentity`)
            shapeEnds.append(shapeBytes.count)
            shapeFields.append(learning[value + 2])
            from = learning[value + 1]
        }
        shapeBytes.append(contentsOf: bytes[from..<end])
        shapeEnds.append(shapeBytes.count)
    }

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
                if !collectRowByShape(into: &table) { try collectRow(depth: depth + 1, into: &table) }
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
        let rowStart = offset
        rows.startLearning()
        var at = Self.afterBlanks(base, count, from: offset + 1)
        if at < count, base[at] == UInt8(ascii: "}") {
            offset = at + 1
            rows.learnShape(from: bytes, start: rowStart, end: offset)
            return
        }
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
                rows.learn(valueFrom: at + 1, to: plainEnd, field: field)
                at = plainEnd + 1
            } else {
                rows.cannotLearn()
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
            if base[at] == UInt8(ascii: "}") {
                offset += 1
                rows.learnShape(from: bytes, start: rowStart, end: offset)
                return
            }
            throw failure("expected ',' or '}' in an object")
        }
    }

    /// The row at the offset (its `{`) read by the rows' shape, when its bytes outside its values are the shape's
    /// and each value is a plain string: true, with the offset after the row. Else false, with nothing changed.
    private mutating func collectRowByShape(into rows: inout JSONRows) -> Bool {
        let shape = rows.shapeBytes, ends = rows.shapeEnds, fields = rows.shapeFields
        guard !ends.isEmpty, let base = bytes.baseAddress else { return false }
        let count = bytes.count
        let row = rows.startRow()
        var at = offset
        let matched = shape.withUnsafeBufferPointer { shape -> Bool in
            guard let shapeBase = shape.baseAddress else { return false }
            var pieceStart = 0
            for (piece, pieceEnd) in ends.enumerated() {
                let length = pieceEnd - pieceStart
                guard count - at >= length, memcmp(base + at, shapeBase + pieceStart, length) == 0 else { return false }
                at += length
                pieceStart = pieceEnd
                guard piece < fields.count else { return true }
                let end = Self.stringStop(in: bytes, from: at)
                guard end < count, base[end] == UInt8(ascii: "\"") else { return false }
                if fields[piece] != JSONRows.noField { rows.set(fields[piece], row: row, start: at, end: end) }
                at = end
            }
            return true
        }
        guard matched else {
            rows.dropRow(startingAt: row)
            return false
        }
        offset = at
        return true
    }
}
