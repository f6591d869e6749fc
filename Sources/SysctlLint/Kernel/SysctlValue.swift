/// A value read the way the kernel's integer handlers read it (`proc_dointvec` and friends): fields separated by
/// blanks, each an optionally negative integer in base 0 (`0x1f` hex, `010` octal). After the last field the
/// kernel stops at a blank and ignores what follows, so `1 # note` reads as 1.
public struct SysctlValue: Sendable, Hashable {
    public let text: String
    public let fields: [String]

    public init(_ text: String) {
        self.text = text
        self.fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// Numbers of the leading fields up to `count`, or nil when one of them is not an integer.
    public func integers(count: Int? = nil) -> [Int]? {
        let wanted = count ?? fields.count
        guard fields.count >= wanted, wanted > 0 else { return nil }
        var numbers: [Int] = []
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

    /// `strtol(…, 0)`-style integer: optional `-`, then decimal, `0x` hex or leading-zero octal.
    public static func parseInteger(_ field: String) -> Int? {
        var digits = Substring(field)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var magnitude: Int?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else if digits.count > 1 && digits.hasPrefix("0") {
            magnitude = Int(digits.dropFirst(), radix: 8)
        } else {
            magnitude = Int(digits, radix: 10)
            if magnitude == nil, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                magnitude = Int.max  // A decimal beyond Int64, such as kernel.shmmax's default; ulong handlers take it.
            }
        }
        guard let magnitude, digits.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "x" || $0 == "X") }) else { return nil }
        return negative ? -magnitude : magnitude
    }
}
