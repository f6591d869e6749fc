/// A port list as `ip_local_reserved_ports` takes it (`proc_do_large_bitmap()`): comma-separated ports and
/// `first-last` ranges, each from 0 to 65535. Anything else is refused by the kernel with EINVAL.
struct PortList: Sendable, Hashable {
    static let highestPort = 65535
    /// Merged, sorted, non-overlapping ranges.
    private(set) var ranges: [ClosedRange<Int>] = []

    init?(_ text: String) {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return }
        var parsed: [ClosedRange<Int>] = []
        for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                  let first = Self.port(bounds[0]), let last = bounds.count == 2 ? Self.port(bounds[1]) : first,
                  first <= last else { return nil }
            parsed.append(first...last)
        }
        parsed.sort { $0.lowerBound < $1.lowerBound }
        for range in parsed {
            if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
    }

    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
              value <= highestPort else { return nil }
        return value
    }

    /// How many listed ports fall inside `window`.
    func count(in window: ClosedRange<Int>) -> Int {
        ranges.reduce(0) { total, range in
            let low = max(range.lowerBound, window.lowerBound), high = min(range.upperBound, window.upperBound)
            return total + (low <= high ? high - low + 1 : 0)
        }
    }
}
