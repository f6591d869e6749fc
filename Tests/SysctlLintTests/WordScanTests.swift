import Foundation
import Testing
@testable import SysctlLint

/// The report scans that read eight bytes at a time (JSON escapes, display escapes, workflow-command marks) and
/// the decimal writer, each held to the byte-by-byte definition it replaces, with the bytes they look for placed
/// at every offset of a word and across word boundaries.
@Suite struct WordScanTests {
    /// Pieces that fill words: plain ASCII, and each byte or sequence one of the scans must notice.
    static let pieces: [String] = ["a", "Z", " ", "0", ".", "=", "\"", "\\", "/", ":", "#", "[", "\n", "\r", "\t", "\u{0}", "\u{1}",
                                   "\u{1F}", "\u{7F}", "\u{85}", "\u{AD}", "é", "\u{200B}", "\u{2028}", "\u{202E}", "😀", "abcdefgh"]

    static func text(_ random: inout JSONWriterTests.Generator) -> String {
        let plain = String(repeating: "x", count: Int.random(in: 0..<17, using: &random))
        let count = Int.random(in: 0..<24, using: &random)
        // Mostly plain bytes, so that whole words pass over and the rare piece lands at any offset.
        return plain + (0..<count).map { _ in
            Int.random(in: 0..<4, using: &random) == 0 ? pieces.randomElement(using: &random)! : "q"
        }.joined()
    }

    /// JSON escaping as `JSONWriter` documents it, one byte at a time.
    static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    /// Whether a line could be a workflow command, one byte at a time: `::` or `##[` anywhere.
    static func holdsCommandMark(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { index in
            let rest = bytes[index...]
            return rest.starts(with: Array("::".utf8)) || rest.starts(with: Array("##[".utf8))
        }
    }

    /// Each byte that needs escaping, alone at every offset of strings up to three 16-byte blocks long.
    @Test(arguments: ["\"", "\\", "\n", "\u{0}", "\u{1F}"])
    func jsonEscapesAreFoundAtEveryOffset(mark: String) {
        for length in 1...50 {
            for offset in 0..<length {
                let text = String(repeating: "x", count: offset) + mark + String(repeating: "y", count: length - offset - 1)
                var writer = JSONWriter(pretty: false)
                writer.writeString(text)
                #expect(writer.bytes.array() == Self.jsonString(text), "\(text.debugDescription)")
            }
        }
    }

    @Test(arguments: 0..<300)
    func jsonStringsAreEscapedAsByteByByte(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let text = Self.text(&random)
        var writer = JSONWriter(pretty: false)
        writer.writeString(text)
        #expect(writer.bytes.array() == Self.jsonString(text), "\(text.debugDescription)")
    }

    @Test(arguments: 0..<300)
    func displayEscapingSeesEveryCharacterItEscapes(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let text = Self.text(&random)
        let needs = text.unicodeScalars.contains(where: DisplayText.needsEscape)
        #expect((DisplayText.escaped(text) != text) == needs, "\(text.debugDescription)")
        #expect(!DisplayText.escaped(text).unicodeScalars.contains(where: DisplayText.needsEscape))
    }

    @Test(arguments: 0..<300)
    func commandMarksAreFoundAtEveryOffset(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let bytes = Array(Self.text(&random).utf8)
        #expect(bytes.withUnsafeBufferPointer { DisplayText.mayHoldCommand($0) } == Self.holdsCommandMark(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }

    /// Marks and near misses (a mark cut short, or split by a byte) at every offset of lines up to three sixteen-byte
    /// blocks long, on a background of plain bytes or of single colons, as report lines are.
    @Test(arguments: ["x", ":x", "#"])
    func commandMarksAtTheEdgesOfWords(background: String) {
        for length in 0..<50 {
            for offset in 0..<length {
                for mark in ["::", "##[", "##", "#[", ":x:", "##x[", "#:#["] {
                    var bytes = Array(String(repeating: background, count: length).utf8.prefix(length))
                    for (index, byte) in mark.utf8.enumerated() where offset + index < length { bytes[offset + index] = byte }
                    #expect(bytes.withUnsafeBufferPointer { DisplayText.mayHoldCommand($0) } == Self.holdsCommandMark(bytes), "\(length) \(offset) \(mark)")
                }
            }
        }
    }

    @Test(arguments: 0..<100)
    func bytesAreCountedAtEveryOffset(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let bytes = Array(Self.text(&random).utf8)
        for byte in Set(bytes + [UInt8(ascii: "/"), 0]) {
            #expect(bytes.withUnsafeBufferPointer { UTF8Text.count(of: byte, in: $0) } == bytes.filter { $0 == byte }.count)
        }
    }

    @Test(arguments: 0..<100)
    func joinedPartsAreThePartsInOrder(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let parts = (0..<5).map { _ in Bool.random(using: &random) ? "" : Self.text(&random) }
        #expect(String(joining: parts[0], parts[1], parts[2], parts[3], parts[4]) == parts.joined())
        #expect(String(joining: parts[0]) == parts[0])
        #expect(String(joining: "", "").isEmpty)
    }

    @Test(arguments: [0, 1, -1, 9, 10, -10, 99, 100, 12345, Int.max, Int.min, Int.min + 1, 1_000_000_000_000_000_000])
    func decimalsAreWrittenAsStringWritesThem(number: Int) {
        let bytes = ByteBuffer()
        bytes.append(UInt8(ascii: "x"))
        bytes.appendDecimal(number)
        #expect(bytes.array() == Array(("x" + String(number)).utf8))
        var sink = ReportSink()
        sink.write(decimal: number)
        #expect(sink.text == String(number))
    }

    /// `UTF8Text.sameBytes` against comparing the bytes: random strings, small and large, against themselves, a copy
    /// made anew (another storage), and each other; and a decomposed `é` against the precomposed one, which `==`
    /// calls equal and which are not the same bytes.
    @Test func sameBytesIsComparingTheBytes() {
        var random = JSONWriterTests.Generator(state: 11)
        let texts = (0..<200).map { _ in Self.text(&random) }
        for a in texts {
            let copy = String(decoding: Array(a.utf8), as: UTF8.self)
            #expect(UTF8Text.sameBytes(a, a) && UTF8Text.sameBytes(a, copy) && UTF8Text.sameBytes(copy, a))
            for b in texts.prefix(20) {
                #expect(UTF8Text.sameBytes(a, b) == (Array(a.utf8) == Array(b.utf8)), "\(a.debugDescription) \(b.debugDescription)")
            }
        }
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed && !UTF8Text.sameBytes(composed, decomposed))
        let long = String(repeating: "net.ipv4.tcp_keepalive_time ", count: 3)
        #expect(UTF8Text.sameRepresentation(long, long) && !UTF8Text.sameRepresentation(long, String(decoding: Array(long.utf8), as: UTF8.self)))
        #expect(UTF8Text.sameBytes(long, String(decoding: Array(long.utf8), as: UTF8.self)))
    }
}
