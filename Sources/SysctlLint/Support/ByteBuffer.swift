/// Bytes appended through one pointer, for the report writers: a large report appends a few bytes at a time
/// millions of times, and an array's append (a uniqueness check, a capacity check and a generic copy per call)
/// was a fifth of such a report's time.
///
/// A reference type with one owner: the writer or sink that made it. Copies of that writer share the buffer, so a
/// writer is never copied while it writes, and never handed to another thread.
///
/// The appends that touch raw memory alone say so to the optimizer (`@_effects(releasenone)`: they release no
/// object), so that a caller passing the bytes of a string it borrows need not count a reference to it.
final class ByteBuffer: Equatable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.withBytes { a in rhs.withBytes { b in UTF8Text.same(a, b) } }
    }

    /// The bytes, valid until the next change.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// A copy of the bytes from `start` on.
    func array(from start: Int = 0) -> [UInt8] {
        Array(UnsafeBufferPointer(start: base + min(max(start, 0), count), count: count - min(max(start, 0), count)))
    }

    @_effects(releasenone) @inline(__always) func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    @_effects(releasenone) @inline(__always) func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if capacity - count < bytes.count { grow(toHold: bytes.count) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always) func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// A string's UTF-8, from its own storage when it has some (native strings do), with no reference counted.
    @inline(__always) func append(contentsOf text: String.UTF8View) {
        if text.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) == nil {
            for byte in text { append(byte) }
        }
    }

    func append(repeating byte: UInt8, count repeated: Int) {
        guard repeated > 0 else { return }
        if capacity - count < repeated { grow(toHold: repeated) }
        (base + count).initialize(repeating: byte, count: repeated)
        count += repeated
    }

    /// `number` in decimal, as `String(number)` writes it.
    @_effects(releasenone)
    func appendDecimal(_ number: Int) {
        if number >= 0, number < 10 { return append(UInt8(ascii: "0") + UInt8(number)) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes hold Int.min's 20 digits and its sign
        withUnsafeMutableBytes(of: &digits) { scratch in
            var end = scratch.count
            var rest = number.magnitude
            repeat {
                end -= 1
                scratch[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if number < 0 {
                end -= 1
                scratch[end] = UInt8(ascii: "-")
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch.bindMemory(to: UInt8.self)[end...]))
        }
    }

    /// The bytes after the first `prefix`, moved to the front.
    func removeFirst(_ prefix: Int) {
        let prefix = min(max(prefix, 0), count)
        if prefix < count { UnsafeMutableRawPointer(base).copyMemory(from: base + prefix, byteCount: count - prefix) }  // memmove
        count -= prefix
    }

    func removeAll() { count = 0 }

    /// Trades contents with `other`, copying nothing.
    func exchange(with other: ByteBuffer) {
        // Through copies, not `swap`: an inout access to a property makes the compiler check every access to it
        // at run time, which cost more than the appends.
        let (otherBase, otherCount, otherCapacity) = (other.base, other.count, other.capacity)
        other.base = base
        other.count = count
        other.capacity = capacity
        base = otherBase
        count = otherCount
        capacity = otherCapacity
    }

    /// Room for `more` bytes past `count`: at least double, so that appending stays linear. Raw memory only, so
    /// it releases no object (`releasenone`): an append's callers need not count references around it.
    @_effects(releasenone) @inline(never) private func grow(toHold more: Int) {
        let needed = count.addingReportingOverflow(more)
        precondition(!needed.overflow, "a report larger than memory")
        let newCapacity = max(needed.partialValue, capacity.multipliedReportingOverflow(by: 2).overflow ? needed.partialValue : capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        UnsafeMutableRawPointer(grown).copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}

extension ByteBuffer {
    /// `text` as a JSON string, quotes included: quotes and backslashes escaped, `\b \f \n \r \t` by name, other
    /// C0 controls as `\u00xx`; everything else (DEL, `/`, non-ASCII) as its bytes. Runs that need no escaping
    /// (nearly everything) are copied whole; blocks without a quote, a backslash or a control are passed over
    /// sixteen bytes at a time (`SIMD16`), then the rest of the string byte by byte.
    ///
    /// `releasenone` tells the optimizer that this releases no object, so that callers need not count a reference
    /// to the string whose bytes these are: it only reads `text` and writes this buffer's raw memory.
    @_effects(releasenone)
    func appendEscapedJSON(_ text: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        var runStart = 0, index = 0
        if let base = UnsafeRawPointer(text.baseAddress) {
            let quotes = SIMD16<UInt8>(repeating: UInt8(ascii: "\"")), backslashes = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
            let controls = SIMD16<UInt8>(repeating: 0x20)
            func plain(at offset: Int) -> Bool {
                let block = base.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                let stops = (block .== quotes) .| (block .== backslashes) .| (block .< controls)
                // Read as two words of lanes that are all ones or all zeros: `any(_:)` is a call.
                let words = unsafeBitCast(stops, to: (UInt64, UInt64).self)
                return words.0 | words.1 == 0
            }
            while index < text.count {
                while index + 16 <= text.count, plain(at: index) { index += 16 }
                // Fewer than sixteen bytes left: the last sixteen are looked at together, overlapping bytes
                // already passed, rather than one by one.
                if index + 16 > text.count, text.count >= 16, index < text.count, plain(at: text.count - 16) { break }
                let end = min(index + 16, text.count)
                for position in index..<end {
                    let byte = text[position]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<position]))
                    appendJSONEscape(byte)
                    runStart = position + 1
                }
                index = end
            }
        }
        append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
        append(UInt8(ascii: "\""))
    }

    private func appendJSONEscape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        default:
            append(UInt8(ascii: "u"))
            append(UInt8(ascii: "0"))
            append(UInt8(ascii: "0"))
            append(Self.hexDigit(byte >> 4))
            append(Self.hexDigit(byte & 0xF))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

extension ByteBuffer {
    /// Appends `text` and returns true when a terminal may show it as it is (`DisplayText.escaped` would return it
    /// unchanged); else appends nothing and returns false. Releases nothing, as `appendEscapedJSON`.
    @_effects(releasenone)
    func appendIfShownAsItIs(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !DisplayText.mayNeedEscape(text) else { return false }
        append(contentsOf: text)
        return true
    }
}
