/// A value read the way the kernel's integer handlers read it (`proc_dointvec` and friends): fields separated by
/// blanks, each an optionally negative integer in base 0 (`0x1f` hex, `010` octal). After the last field the
/// kernel stops at a blank and ignores what follows, so `1 # note` reads as 1.
public struct SysctlValue: Sendable, Hashable {
    public let text: String
    public let fields: [String]

    public init(_ text: String) {
        self.text = text
        self.fields = Self.fields(of: text)
    }

    /// The blank-separated fields, split on bytes as the kernel splits them (a split over characters segmented
    /// every value into graphemes first, on every lookup of every key).
    static func fields(of text: String) -> [String] {
        func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
            // Most values are one field: the text itself, not a copy of it.
            if !bytes.isEmpty, !bytes.contains(where: { $0 == 0x20 || $0 == 0x09 }) { return [text] }
            var fields: [String] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x20 || bytes[index] == 0x09 {
                if index > start { fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                start = index + 1
            }
            return fields
        }
        return text.utf8.withContiguousStorageIfAvailable(split) ?? Array(text.utf8).withUnsafeBufferPointer(split)
    }

    /// Numbers of the leading fields up to `count`, or nil when one of them is not an integer.
    public func integers(count: Int? = nil) -> [Int]? {
        let wanted = count ?? fields.count
        guard fields.count >= wanted, wanted > 0 else { return nil }
        var numbers: [Int] = []
        numbers.reserveCapacity(wanted)
        for field in fields.prefix(wanted) {
            guard let number = Self.parseInteger(field) else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    /// The first field as a number, if it is one.
    public var firstInteger: Int? { fields.first.flatMap(Self.parseInteger) }

    /// Fields after the ones the kernel reads: for numeric keys, the junk the kernel ignores.
    public func trailingText(after count: Int) -> String? {
        guard fields.count > count else { return nil }
        return fields.dropFirst(count).joined(separator: " ")
    }

    /// `strtol(…, 0)`-style integer: optional `-`, then decimal, `0x` hex or leading-zero octal. A decimal beyond
    /// Int64 (such as kernel.shmmax's default, which ulong handlers take) is Int.max; hex or octal beyond it is not
    /// a number. Read on bytes: it runs for every field of every value a run looks at.
    public static func parseInteger(_ field: String) -> Int? {
        field.utf8.withContiguousStorageIfAvailable(parseInteger(bytes:)) ?? Array(field.utf8).withUnsafeBufferPointer(parseInteger(bytes:))
    }

    static func parseInteger(bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var start = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { start = 1 }
        guard start < bytes.count else { return nil }
        let magnitude: Int?
        if bytes.count - start >= 2, bytes[start] == UInt8(ascii: "0"), bytes[start + 1] | 0x20 == UInt8(ascii: "x") {
            magnitude = accumulate(bytes, from: start + 2, radix: 16)
        } else if bytes.count - start > 1, bytes[start] == UInt8(ascii: "0") {
            magnitude = accumulate(bytes, from: start + 1, radix: 8)
        } else if let value = accumulate(bytes, from: start, radix: 10) {
            magnitude = value
        } else {
            let decimal = bytes[start...].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            magnitude = decimal ? Int.max : nil
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// The digits from `start` on in `radix`: nil when there are none, one is not a digit, or the value overflows.
    private static func accumulate(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, radix: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var value = 0
        for byte in bytes[start...] {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
