import Foundation

/// Byte-level text helpers for the hot paths (every line of a snapshot, every key). The characters they look for
/// are ASCII, and an ASCII byte never occurs inside a multi-byte UTF-8 sequence, so working on bytes is exact and
/// avoids grapheme breaking; the indices they return are valid `String` indices.
extension StringProtocol {
    /// Without leading and trailing blanks (space, tab, CR, LF, VT, FF), as the loaders trim.
    func trimmingSpaces() -> String {
        let text = Substring(self)
        let utf8 = text.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, UTF8Text.isBlank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, UTF8Text.isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(text[start..<end])
    }

    /// The range of the first occurrence of an ASCII `needle`, found on bytes.
    func asciiRange(of needle: StaticString) -> Range<Index>? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return nil }
        let utf8 = self.utf8
        var index = utf8.startIndex
        while let candidate = utf8[index...].firstIndex(of: first) {
            var probe = candidate, matched = true
            for byte in pattern {
                guard probe < utf8.endIndex, utf8[probe] == byte else { matched = false; break }
                probe = utf8.index(after: probe)
            }
            if matched { return candidate..<probe }
            index = utf8.index(after: candidate)
        }
        return nil
    }
}

extension String {
    /// `parts` one after another, made in one allocation of the exact size (interpolation grows its buffer and
    /// appends piece by piece, which messages made by the tens of thousands pay for).
    init(joining parts: String...) {
        var total = 0
        for part in parts { total += part.utf8.count }
        self.init(unsafeUninitializedCapacity: total) { buffer in
            var written = 0
            for part in parts {
                written += UTF8Text.withBytes(part) { bytes in
                    guard let source = bytes.baseAddress, !bytes.isEmpty else { return 0 }
                    (buffer.baseAddress! + written).update(from: source, count: bytes.count)
                    return bytes.count
                }
            }
            return written
        }
    }
}

enum UTF8Text {
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x0B || byte == 0x0C
    }

    /// The bytes without leading and trailing blanks, as `trimmingSpaces` trims text.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// The same, for bytes read in place.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether two runs of bytes are the same bytes (memcmp; the generic comparison went element by element).
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Whether two strings are the same bytes. `==` on strings is canonical equivalence (a decomposed `é` equals
    /// the precomposed one), which is wrong wherever text is shown or compared as the bytes input gave.
    /// Strings with the same representation (one storage shared, or the same small string held inline) are the
    /// same bytes without a look at them: a report asks whether each finding's file, rule and fix are the last
    /// one's, and they nearly always are the very same string.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        if sameRepresentation(a, b) { return true }
        return withBytes(a) { x in withBytes(b) { y in same(x, y) } }
    }

    /// Whether two strings are bit for bit the same value: a string is two words, its count and flags and its
    /// storage (or, for a small one, its bytes inline).
    @inline(__always) static func sameRepresentation(_ a: String, _ b: String) -> Bool {
        guard MemoryLayout<String>.size == 2 * MemoryLayout<UInt64>.size else { return false }
        return withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in
            x.load(as: UInt64.self) == y.load(as: UInt64.self) && x.load(fromByteOffset: 8, as: UInt64.self) == y.load(fromByteOffset: 8, as: UInt64.self)
        } }
    }

    /// Whether two lists of strings are the same bytes, item by item; lists sharing storage are, without a look.
    static func sameBytes(_ a: [String], _ b: [String]) -> Bool {
        guard a.count == b.count else { return false }
        if a.withUnsafeBufferPointer({ $0.baseAddress }) == b.withUnsafeBufferPointer({ $0.baseAddress }) { return true }
        return zip(a, b).allSatisfy { sameBytes($0, $1) }
    }

    /// Where `byte` first stands in `bytes[from..<to]` (`to` defaults to the end), found by memchr; nil if nowhere.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? bytes.count
        guard from < end, let base = bytes.baseAddress, let found = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// `byte` in every byte of a word, for the scans that read eight bytes at a time.
    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// 0x80 in each byte of `word` that is zero, and nothing elsewhere (no carry crosses a byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low = broadcast(0x7F)
        return ~((word & low) &+ low | word | low)
    }

    /// Whether one of `word`'s bytes is below `limit` (at most 0x80). The test marks some byte with 0x80 exactly
    /// then, but not always the low byte (a borrow can mark the byte above), so it answers only "any".
    @inline(__always)
    static func anyByteBelow(_ limit: UInt8, in word: UInt64) -> Bool {
        (word &- broadcast(limit)) & ~word & broadcast(0x80) != 0
    }

    /// Where, from `start`, the first eight-byte word that `isPlain` refuses begins, or the last few bytes that
    /// make no whole word: the scans that look for rare bytes (escapes, workflow-command marks) pass over plain
    /// text eight bytes at a time and read byte by byte only from here, for one word, before asking again. A word's
    /// first byte is its low byte, on any machine.
    @inline(__always)
    static func skippingPlainWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ isPlain: (UInt64) -> Bool) -> Int {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return start }
        var index = start
        while index + 8 <= bytes.count, isPlain(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))) {
            index += 8
        }
        return index
    }

    /// How many times `byte` occurs in `bytes`, counted eight bytes at a time.
    static func count(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let pattern = broadcast(byte)
        var index = 0, total = 0
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while index + 8 <= bytes.count {
                total += zeroBytes(base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern).nonzeroBitCount
                index += 8
            }
        }
        for position in index..<bytes.count where bytes[position] == byte { total += 1 }
        return total
    }

    /// `body` over the UTF-8 bytes of `text`, in place when the string is contiguous (native strings are).
    static func withBytes<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Whether a byte of `text` passes `test`: over contiguous storage when the string has it, which the generic
    /// `utf8.contains` is several times slower than.
    static func contains(_ text: String, where test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(where: test) } ?? text.utf8.contains(where: test)
    }

    /// `text` with every `from` byte replaced by `to` and the reverse (both ASCII); the original when neither occurs.
    /// `knownToOccur`: the caller has seen one of them, so the text is not scanned for them first.
    static func swapping(_ from: UInt8, _ to: UInt8, in text: String, knownToOccur: Bool = false) -> String {
        var contiguous = text
        guard knownToOccur || contiguous.withUTF8({ $0.contains { $0 == from || $0 == to } }) else { return text }
        return contiguous.withUTF8 { source in
            String(unsafeUninitializedCapacity: source.count) { buffer in
                for index in 0..<source.count {
                    let byte = source[index]
                    buffer[index] = byte == from ? to : byte == to ? from : byte
                }
                return source.count
            }
        }
    }
}
