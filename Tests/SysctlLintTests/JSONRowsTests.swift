import Foundation
import Testing
@testable import SysctlLint

/// Rows read in place against rows built as values: random osquery log lines with the cases the in-place reading
/// treats apart (escaped names and values, repeated fields, values that are not strings, rows that are not
/// objects, a second or misplaced `snapshot`, broken JSON), read both ways.
@Suite struct JSONRowsTests {
    static let names = [#""name""#, #""n\u0061me""#, #""current_value""#, #""value""#, #""type""#, #""hostIdentifier""#]
    static let values = [#""net.ipv4.tcp_retries2""#, #""3""#, #""kernel.osrelease""#, #""6.8.0""#, #""a\"b""#, #""é\u00e9""#,
                         "7", "null", "true", #"{"a":[1,2]}"#, #"[1,"x"]"#, #""""#, "\"\u{FF}\"",
                         // Names a row spells from its path, and names it keeps whole (simplified, globs, not ASCII).
                         #""net/ipv4/tcp_retries2""#, #""vm..swappiness""#, #""net.ipv4.conf.*.rp_filter""#, #""kernél.x""#,
                         #""swappiness""#]

    static func row(using generator: inout some RandomNumberGenerator) -> String {
        switch Int.random(in: 0..<12, using: &generator) {
        case 0: return "3"
        case 1: return "[]"
        default:
            let members = (0..<Int.random(in: 0..<5, using: &generator)).map { _ in
                names.randomElement(using: &generator)! + ":" + values.randomElement(using: &generator)!
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    static func line(using generator: inout some RandomNumberGenerator) -> String {
        let rows = (0..<Int.random(in: 0..<6, using: &generator)).map { _ in row(using: &generator) }
        var members = [#""hostIdentifier":"h\#(Int.random(in: 0..<3, using: &generator))""#,
                       #""snapshot":[\#(rows.joined(separator: ","))]"#]
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: members.insert(#""snapshot":"not rows""#, at: 0)
        case 1: members.append(#""snapshot":[{"name":"vm.swappiness","current_value":"1"}]"#)
        case 2: members.swapAt(0, 1)
        case 3: members.append(#""columns":{"name":"vm.swappiness","value":"5"},"action":"added""#)
        default: break
        }
        var text = "{" + members.joined(separator: ",") + "}"
        if Int.random(in: 0..<12, using: &generator) == 0 { text.removeLast(Int.random(in: 1...3, using: &generator)) }
        return text
    }

    static func read(_ text: String, inPlace: Bool) -> [RuntimeSnapshot] {
        let reader = OsqueryReader(lines: LineStream(bytes: Array(text.utf8)), source: "log", readsRowsInPlace: inPlace)
        var hosts: [RuntimeSnapshot] = []
        while let host = reader.next() { hosts.append(host) }
        return hosts
    }

    @Test func rowsReadInPlaceAreTheRowsBuilt() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<600 {
            let text = (0..<Int.random(in: 1..<5, using: &generator)).map { _ in Self.line(using: &generator) }.joined(separator: "\n")
            let inPlace = Self.read(text, inPlace: true), built = Self.read(text, inPlace: false)
            #expect(inPlace.map(\.host) == built.map(\.host), "\(text)")
            #expect(inPlace.map(\.entries) == built.map(\.entries), "\(text)")
            #expect(inPlace.map(\.release) == built.map(\.release), "\(text)")
            #expect(inPlace.map { $0.assignments.map(\.key) } == built.map { $0.assignments.map(\.key) }, "\(text)")
            #expect(inPlace.map { $0.notes.map(\.message) } == built.map { $0.notes.map(\.message) }, "\(text)")
        }
    }

    /// Where a string stops being plain, read eight bytes at a time, against reading byte by byte: random bytes
    /// dense in quotes, backslashes, control characters and bytes just above and below them.
    @Test func stringsStopWhereTheirBytesSay() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x61, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...bytes.count {
                    let expected = bytes[start...].firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? bytes.count
                    #expect(JSONParser.stringStop(in: buffer, from: start) == expected, "\(bytes) from \(start)")
                }
            }
        }
    }

    /// Parsing `bytes` with rows read in place fails where building every value fails, at the same byte with the
    /// same message, or neither fails.
    static func expectSameFailure(_ bytes: [UInt8], fields: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let filter = OsqueryReader.members
        var rows: JSONRows? = JSONRows(container: "snapshot", fields: fields)
        let inPlace = Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes, keeping: filter, rows: &rows) }
        let built = Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes, keeping: filter) }
        switch (inPlace, built) {
        case (.failure(let a), .failure(let b)): #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        case (.success, .success): break
        default: Issue.record("one way failed: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    /// Reading rows in place fails where building them fails, at the same byte with the same message.
    @Test func rowsReadInPlaceFailAsTheRowsBuilt() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var bytes = Array(Self.line(using: &generator).utf8)
            if !bytes.isEmpty, Bool.random(using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = [UInt8(ascii: "\""), UInt8(ascii: "{"), 0x01, UInt8(ascii: "\\")].randomElement(using: &generator)!
            }
            Self.expectSameFailure(bytes, fields: ["name"])
        }
    }

    /// Lines whose rows mostly repeat one shape, as a fleet log's do, with rows that leave it in one place: another
    /// blank, member order, name, spelling of a name, a value that is not a plain string, a repeated member, a
    /// broken byte. Rows read by the shape must be the rows built, and a line must fail where built rows fail.
    @Test func rowsOfOneShapeAreTheRowsBuilt() {
        var generator = SystemRandomNumberGenerator()
        let plain = [#""net.ipv4.tcp_retries2""#, #""3""#, #""kernel.osrelease""#, #""6.8.0""#, #""""#, #""vm.swappiness""#]
        func row() -> String {
            var members = [(#""name""#, plain.randomElement(using: &generator)!), (#""current_value""#, plain.randomElement(using: &generator)!),
                           (#""config_value""#, #""""#), (#""type""#, #""""#)]
            var separator = ", ", colon = ": "
            if Int.random(in: 0..<4, using: &generator) == 0 {
                switch Int.random(in: 0..<8, using: &generator) {
                case 0: separator = ","
                case 1: colon = ":"
                case 2: members.swapAt(0, 1)
                case 3: members[Int.random(in: 0..<members.count, using: &generator)].1 = Self.values.randomElement(using: &generator)!
                case 4: members[0].0 = #""name""#
                case 5: members.append((#""name""#, plain.randomElement(using: &generator)!))
                case 6: members.append((#""value""#, plain.randomElement(using: &generator)!))
                default: members.removeLast()
                }
            }
            return "{" + members.map { $0.0 + colon + $0.1 }.joined(separator: separator) + "}"
        }
        for _ in 0..<400 {
            let lines = (0..<Int.random(in: 1..<4, using: &generator)).map { host in
                let rows = (0..<Int.random(in: 0..<30, using: &generator)).map { _ in row() }
                return #"{"hostIdentifier":"h\#(host)","snapshot":[\#(rows.joined(separator: ", "))]}"#
            }
            let text = lines.joined(separator: "\n")
            let inPlace = Self.read(text, inPlace: true), built = Self.read(text, inPlace: false)
            #expect(inPlace.map(\.entries) == built.map(\.entries), "\(text)")
            #expect(inPlace.map { $0.notes.map(\.message) } == built.map { $0.notes.map(\.message) }, "\(text)")
            // A broken byte: the same failure, at the same place, whether or not the rows before it set a shape.
            var bytes = Array(lines[0].utf8)
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = [UInt8(ascii: "\""), UInt8(ascii: "}"), 0x01, UInt8(ascii: "\\")].randomElement(using: &generator)!
            Self.expectSameFailure(bytes, fields: ["name", "current_value", "value"])
        }
    }
}
