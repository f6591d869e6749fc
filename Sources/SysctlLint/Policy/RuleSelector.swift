/// A rule id or a family of ids in the project file or on the command line: `tcp-retries2-low` names one rule,
/// `tcp-retries` every rule whose id continues with `-` (`tcp-retries2-low` does not: prefixes end at a dash).
/// `all` names every rule.
public struct RuleSelector: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    /// Where the selector was written, for errors.
    public var line: Int?
    public var column: Int?

    public init(_ text: String, line: Int? = nil, column: Int? = nil) {
        self.text = text
        self.line = line
        self.column = column
    }

    public func matches(_ id: String) -> Bool {
        text == "all" || id == text || id.hasPrefix(text + "-")
    }

    public var description: String { text }
}

/// Shell-style path patterns of `per-path-ignores`: `*` and `?` within one path segment, `**` across segments,
/// matched against paths relative to the project file's folder.
public enum PathPattern {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        Compiled(pattern).matches(segments: segments(path))
    }

    /// A pattern split into segments once, to be matched against many paths.
    struct Compiled {
        let segments: [[UInt8]]

        init(_ pattern: String) {
            let pattern = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
            segments = PathPattern.segments(pattern)
        }

        func matches(segments path: [[UInt8]]) -> Bool { PathPattern.match(segments, path) }
    }

    static func segments(_ path: String) -> [[UInt8]] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
    }

    private static let anyDepth = Array("**".utf8)

    /// Which path positions each pattern prefix can reach, one pattern segment at a time: work is bounded by
    /// segments × segments, however many `**` the pattern holds (trying every split recursively was exponential).
    private static func match(_ pattern: [[UInt8]], _ path: [[UInt8]]) -> Bool {
        var reachable = [Bool](repeating: false, count: path.count + 1)
        reachable[0] = true
        for segment in pattern {
            var next = [Bool](repeating: false, count: path.count + 1)
            if segment == anyDepth {
                var seen = false
                for position in 0...path.count {
                    seen = seen || reachable[position]
                    next[position] = seen
                }
            } else {
                for position in 0..<path.count where reachable[position] && segmentMatches(segment, path[position]) {
                    next[position + 1] = true
                }
            }
            reachable = next
            guard reachable.contains(true) else { return false }
        }
        return reachable[path.count]
    }

    private static func segmentMatches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p; mark = t; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
