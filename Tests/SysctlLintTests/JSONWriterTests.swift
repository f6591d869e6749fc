import Foundation
import Testing
@testable import SysctlLint

/// The JSON writer must produce the bytes `JSONSerialization` produced for every report so far (the golden files
/// hold them), so it is checked against `JSONSerialization` itself on many generated documents.
@Suite struct JSONWriterTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let keyAlphabet = Array("abzAZ_.-09/ ") + ["é"]
    static let textAlphabet: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{1}", "\u{1B}", "\u{1F}",
                                         "\u{7F}", "é", "😀", "\u{2028}", "0"]
    static let doubles: [Double] = [0, -0.0, 1, 3, 0.1, 924.6, 1e20, 1e-7, 123456789.123, 1.0 / 3, 1e16, 1e15 + 0.5,
                                    Double(Int.max), 5e-324, .greatestFiniteMagnitude, 7200, 0.2, 131.6]

    static func value(depth: Int, _ random: inout Generator) -> (JSONValue, Any) {
        switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &random) {
        case 0: return (.null, NSNull())
        case 1: let flag = Bool.random(using: &random); return (.bool(flag), flag)
        case 2: let number = Int.random(in: Int.min...Int.max, using: &random) >> Int.random(in: 0..<64, using: &random); return (.int(number), number)
        case 3:
            let number = Bool.random(using: &random) ? doubles.randomElement(using: &random)!
                : Double.random(in: -1e6...1e6, using: &random)
            return (.double(number), number)
        case 4, 5:
            let text = (0..<Int.random(in: 0..<8, using: &random)).map { _ in textAlphabet.randomElement(using: &random)! }.joined()
            return (.string(text), text)
        case 6:
            var items: [JSONValue] = [], objects: [Any] = []
            for _ in 0..<Int.random(in: 0..<4, using: &random) {
                let (item, object) = value(depth: depth + 1, &random)
                items.append(item); objects.append(object)
            }
            return (.array(items), objects)
        default:
            var pairs: [(key: String, value: JSONValue)] = [], dictionary: [String: Any] = [:]
            for _ in 0..<Int.random(in: 0..<7, using: &random) {
                let key = String((0..<Int.random(in: 0..<5, using: &random)).map { _ in keyAlphabet.randomElement(using: &random)! })
                guard dictionary[key] == nil else { continue }
                let (item, object) = value(depth: depth + 1, &random)
                pairs.append((key, item)); dictionary[key] = object
            }
            return (.object(pairs), dictionary)
        }
    }

    @Test(arguments: [true, false])
    func writesWhatJSONSerializationWrites(pretty: Bool) throws {
        var random = Generator(state: pretty ? 1 : 2)
        for _ in 0..<400 {
            let (value, object) = Self.value(depth: 0, &random)
            guard JSONSerialization.isValidJSONObject(object) else { continue }
            var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
            if pretty { options.insert(.prettyPrinted) }
            let expected = String(decoding: try JSONSerialization.data(withJSONObject: object, options: options), as: UTF8.self)
            #expect(JSONWriter.string(value, pretty: pretty) == expected)
        }
    }

    @Test func keysOfLettersAndUnderscoreSortWithoutFoundation() {
        // The keys reports use; the fast comparison must agree with the one JSONSerialization applies.
        let keys = ["schema_version", "schedule", "kernel", "kernel_assumed", "kernel_source", "give_up", "rto_ms", "ruleId",
                    "ruleIndex", "rule", "_", "a", "B", "b", "partialFingerprints", "uriBaseId", "uri"]
        for a in keys {
            for b in keys where a != b {
                let options: NSString.CompareOptions = [.numeric, .caseInsensitive, .forcedOrdering]
                let foundation = (a as NSString).compare(b, options: options, range: NSRange(location: 0, length: a.utf16.count),
                                                         locale: NSLocale.system) == .orderedAscending
                #expect(JSONWriter.precedes(a, b) == foundation, "\(a) vs \(b)")
            }
        }
    }

    /// Keys past 64 UTF-16 units, which Foundation's comparison cannot order (two of these it called each less
    /// than the other): the object's order must not depend on the order its members came in.
    @Test func objectsWithLongKeysSortTheSameFromAnyOrder() {
        let keys = [String(repeating: "!", count: 70), String(repeating: "!", count: 65) + "endarTime",
                    "\u{FFFD}\u{FFFD}StIde(er" + String(repeating: "!", count: 120), "\u{FFFD}\u{FFFD}StIde(er" + String(repeating: "!", count: 110) + "endarTime",
                    "calendarTime", "Floaton", "a", "B"]
        var generator = SystemRandomNumberGenerator()
        let first = JSONWriter.string(.object(keys.map { ($0, .int(1)) }), pretty: false)
        for _ in 0..<50 {
            #expect(JSONWriter.string(.object(keys.shuffled(using: &generator).map { ($0, .int(1)) }), pretty: false) == first)
        }
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONWriter.string([.double(.infinity), .double(.nan)], pretty: false) == "[null,null]")
    }
}

/// The fleet reader's JSON parser: what the writer writes, it reads back; what RFC 8259 forbids, it refuses with
/// the byte offset; hostile nesting is bounded.
@Suite struct JSONParserTests {
    @Test func readsBackWhatTheWriterWrites() throws {
        var random = JSONWriterTests.Generator(state: 3)
        for _ in 0..<400 {
            let (value, _) = JSONWriterTests.value(depth: 0, &random)
            for pretty in [true, false] {
                let text = JSONWriter.string(value, pretty: pretty)
                let back = try JSONParser.parse(Array(text.utf8))
                #expect(JSONWriter.string(back, pretty: pretty) == text)
            }
        }
    }

    /// Members left out of `keeping` are left out of their objects (at the top, and inside `containers`); a kept
    /// member that is not a container is built whole; everything else, and every failure, is as a full parse.
    @Test func keepingOnlySomeMembersChangesNothingElse() throws {
        let keep: Set<String> = ["a", "Z", "aa", "", "é", "a\"b"], containers: Set<String> = ["a", "é"]
        func pruned(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let pairs):
                return .object(pairs.filter { keep.contains($0.key) }.map { ($0.key, containers.contains($0.key) ? pruned($0.value) : $0.value) })
            case .array(let items): return .array(items.map(pruned))
            default: return value
            }
        }
        var random = JSONWriterTests.Generator(state: 11)
        for _ in 0..<400 {
            let (value, _) = JSONWriterTests.value(depth: 0, &random)
            var bytes = Array(JSONWriter.string(value, pretty: false).utf8)
            let filter = JSONParser.MemberFilter(keeping: keep, containers: containers)
            #expect(try JSONParser.parse(bytes, keeping: filter) == pruned(try JSONParser.parse(bytes)))
            // Damaged at a random byte: both readers fail in the same place with the same words, or both succeed.
            if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = [0x01, 0x22, 0x5C, 0x7B, 0x30].randomElement(using: &random)! }
            let full = Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes) }
            let kept = Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes, keeping: filter) }
            switch (full, kept) {
            case (.failure(let a), .failure(let b)): #expect(a == b)
            case (.success(let a), .success(let b)): #expect(pruned(a) == b)
            default: Issue.record("one reader failed and the other did not: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test func decodesEscapes() throws {
        let value = try JSONParser.parse(Array(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\ud83d\ude00", "\ud800x", 1.5e2, -0, 12345678901234567890]"#.utf8))
        #expect(value == .array([.string("a\"b\\c/d\u{8}\u{C}\n\r\t"), .string("é😀"), .string("\u{FFFD}x"), .double(150), .double(-0.0),
                                 .double(12345678901234567890)]))
    }

    @Test(arguments: [("", 0), ("{", 1), ("[1,]", 3), ("{\"a\" 1}", 5), ("\"abc", 0), ("\"a\u{1}\"", 2), ("01", 0), ("1.", 2),
                      ("1e", 2), ("-", 1), ("tru", 0), ("{} x", 3), ("\"\\x\"", 1), ("\"\\u12\"", 3), ("{1:2}", 1)])
    func refusesWhatRFC8259Forbids(text: String, offset: Int) {
        do {
            _ = try JSONParser.parse(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.offset == offset, "\(text): \(error.message)")
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    /// References that are canonically equivalent text but other bytes are written as their own bytes, though the
    /// writer reuses the last references' bytes when the lists are the same.
    @Test func referencesAreReusedOnlyWhenTheirBytesAreTheSame() {
        var first = Finding(rule: "a", severity: .info, location: nil, message: "m", references: ["caf\u{E9}"])
        var second = first
        second.references = ["cafe\u{301}"]
        first.rule = "b"
        var direct = JSONWriter(pretty: true), generic = JSONWriter(pretty: true)
        for finding in [first, second, first] {
            direct.writeFinding(finding, indent: 1)
            generic.write(JSONReporter.object(finding), indent: 1)
        }
        #expect(direct.bytes == generic.bytes)
    }

    /// Findings are written straight into the writer; the bytes must be those of the generic `JSONValue` path, in
    /// both layouts, whatever the finding holds.
    @Test(arguments: 0..<200)
    func findingsWrittenDirectlyMatchTheGenericPath(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        func text() -> String { (0..<Int.random(in: 0..<6, using: &random)).map { _ in JSONWriterTests.textAlphabet.randomElement(using: &random)! }.joined() }
        func maybe(_ make: () -> String) -> String? { Bool.random(using: &random) ? make() : nil }
        var finding = Finding(
            rule: text(), severity: Severity.allCases.randomElement(using: &random)!, key: maybe(text), value: maybe(text),
            location: Bool.random(using: &random) ? SourceLocation(file: text(), line: Int.random(in: 1...99999, using: &random),
                                                                     column: Int.random(in: 1...500, using: &random)) : nil,
            message: text(), fix: maybe(text), references: (0..<Int.random(in: 0..<3, using: &random)).map { _ in text() })
        finding.host = maybe(text)
        if Bool.random(using: &random) {
            finding.evidence = FindingEvidence(
                status: .confirmed, counters: [CounterReading(name: "TcpExtListenOverflows", sinceBoot: 12, delta: Bool.random(using: &random) ? 3 : nil,
                                                              interval: Bool.random(using: &random) ? 1.5 : nil)],
                summary: text())
        }
        // Written after it, into the same writer: the same finding (its references shared), one with equal
        // references in other storage, and one with other references, so that the writer's reuse of the last
        // references' bytes is held to the generic path both when it applies and when it must not.
        var copied = finding
        copied.references = finding.references.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        var other = finding
        other.references = finding.references + [text()]
        let findings = [finding, finding, copied, other, finding]
        for pretty in [true, false] {
            let indent = pretty ? Int.random(in: 0..<4, using: &random) : 0
            var direct = JSONWriter(pretty: pretty), generic = JSONWriter(pretty: pretty)
            for finding in findings {
                direct.writeFinding(finding, indent: indent)
                generic.write(JSONReporter.object(finding), indent: indent)
            }
            #expect(direct.bytes == generic.bytes, "\(String(decoding: direct.bytes.array(), as: UTF8.self))")
        }
    }
}
