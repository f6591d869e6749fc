/// A kernel release, compared by its numbers only: `4.18.0-80.el8.x86_64` is 4.18.0.
public struct KernelVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `6.12`, `6.12.3`, `2.6.32` or a full `uname -r` such as `5.15.0-58-generic`.
    public init?(_ text: String) {
        // Every host of a fleet names its release: read on bytes when the digits and dots are followed by ASCII
        // (or nothing), where no other numeral can continue them; the characters' way decides the rest.
        if let parsed = UTF8Text.withBytes(text, Self.parseASCII) {
            guard let (major, minor, patch) = parsed else { return nil }
            self.init(major, minor, patch)
            return
        }
        self.init(characterwise: text)
    }

    /// The version read on characters: the digits and dots that start the text, split at the dots.
    init?(characterwise text: String) {
        let numeric = text.prefix { $0.isNumber || $0 == "." }
        let parts = numeric.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        var patch = 0
        if parts.count >= 3 {
            guard let value = Int(parts[2]) else { return nil }
            patch = value
        }
        guard major >= 1, major < 100, minor < 1000, patch < 100000 else { return nil }
        self.init(major, minor, patch)
    }

    /// `major.minor[.patch]` from the digits and dots that start `bytes`: nil when a non-ASCII byte follows them
    /// (a numeral the characters' way would read on); `.some(nil)` when they are no version.
    private static func parseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)?? {
        var end = 0
        while end < bytes.count, bytes[end] == UInt8(ascii: ".") || (bytes[end] >= 0x30 && bytes[end] <= 0x39) { end += 1 }
        if end < bytes.count, bytes[end] >= 0x80 { return nil }
        var parts: [Int] = [], current = 0, digits = 0
        for index in 0...end {
            if index == end || bytes[index] == UInt8(ascii: ".") {
                guard digits > 0, parts.count < 3 else { return .some(nil) }
                parts.append(current)
                current = 0
                digits = 0
                continue
            }
            let (times, overflow) = current.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(Int(bytes[index] - 0x30))
            guard !overflow, !carry else { return .some(nil) }
            current = sum
            digits += 1
        }
        guard parts.count >= 2, parts[0] >= 1, parts[0] < 100, parts[1] < 1000 else { return .some(nil) }
        let patch = parts.count == 3 ? parts[2] : 0
        guard patch < 100000 else { return .some(nil) }
        return .some((parts[0], parts[1], patch))
    }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String {
        patch == 0 && major >= 3 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)"
    }
}

/// A half-open span of kernel versions, `>= 2.4, < 4.12`.
public struct KernelRange: Sendable, Hashable, CustomStringConvertible {
    public var from: KernelVersion?
    public var until: KernelVersion?

    public init(from: KernelVersion? = nil, until: KernelVersion? = nil) {
        self.from = from
        self.until = until
    }

    public static let all = KernelRange()

    public func contains(_ version: KernelVersion) -> Bool {
        if let from, version < from { return false }
        if let until, version >= until { return false }
        return true
    }

    /// Parses comma-separated bounds: `>= 4.12`, `< 4.12`, `>= 2.6.32, < 4.12`, or `all`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        if trimmed == "all" || trimmed == "*" {
            self.init()
            return
        }
        var range = KernelRange()
        for clause in trimmed.split(separator: ",") {
            let part = clause.trimmingSpaces()
            if part.hasPrefix(">=") {
                guard let version = KernelVersion(part.dropFirst(2).trimmingSpaces()) else { return nil }
                range.from = version
            } else if part.hasPrefix("<") && !part.hasPrefix("<=") {
                guard let version = KernelVersion(part.dropFirst(1).trimmingSpaces()) else { return nil }
                range.until = version
            } else {
                return nil
            }
        }
        self = range
    }

    public var description: String {
        switch (from, until) {
        case (nil, nil): "all kernels"
        case (let from?, nil): ">= \(from)"
        case (nil, let until?): "< \(until)"
        case (let from?, let until?): ">= \(from), < \(until)"
        }
    }
}
