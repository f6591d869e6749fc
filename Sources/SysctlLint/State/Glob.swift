/// Shell-style matching as glob(3) does it on sysctl paths: `*` and `?` never cross a `/`, `[abc]`/`[a-z]`/`[!a]`
/// classes. Used for glob keys in config files and for the key patterns of rules.
public enum Glob {
    /// Work allowed per match, as a multiple of the two lengths. Backtracking to the last star is linear for every
    /// real key, and quadratic only for patterns made to be (`*aaaa…b` against `aaaa…x`); such a pattern is taken
    /// as not matching when the budget runs out, so that a hostile file cannot make a match cost megabytes squared.
    static let stepsPerByte = 8

    public static func matches(_ pattern: String, _ text: String, crossesSlash: Bool = false) -> Bool {
        UTF8Text.withBytes(pattern) { p in UTF8Text.withBytes(text) { t in match(p, 0, t, 0, crossesSlash) } }
    }

    /// The same, for a pattern already in bytes (matched against many keys).
    static func matches(bytes pattern: [UInt8], _ text: String) -> Bool {
        pattern.withUnsafeBufferPointer { p in UTF8Text.withBytes(text) { t in matches(p, t) } }
    }

    /// The same for a key already in bytes, for callers that try many patterns on one key: read in place, so that
    /// neither is copied.
    static func matches(_ pattern: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // A key whose first byte cannot start a match is rejected at once.
        if let first = pattern.first, first != UInt8(ascii: "*"), first != UInt8(ascii: "?"), first != UInt8(ascii: "["),
           text.first != first {
            return false
        }
        return match(pattern, 0, text, 0, false)
    }

    private static func match(_ p: UnsafeBufferPointer<UInt8>, _ pi: Int, _ t: UnsafeBufferPointer<UInt8>, _ ti: Int, _ crosses: Bool) -> Bool {
        var pi = pi, ti = ti
        // Iterative with backtracking to the last star: linear in practice, never exponential, and bounded.
        var starP = -1, starT = -1
        var budget = (p.count + t.count + 8).saturatingMultiply(stepsPerByte)
        while ti < t.count {
            budget -= 1
            if budget < 0 { return false }
            if pi < p.count {
                let c = p[pi]
                if c == UInt8(ascii: "*") {
                    starP = pi; starT = ti; pi += 1; continue
                }
                if c == UInt8(ascii: "?"), t[ti] != UInt8(ascii: "/") || crosses {
                    pi += 1; ti += 1; continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchClass(p, pi, t[ti]) {
                    if matched { pi = next; ti += 1; continue }
                } else if c == t[ti], c != UInt8(ascii: "?") {
                    pi += 1; ti += 1; continue
                }
            }
            if starP >= 0, t[starT] != UInt8(ascii: "/") || crosses {
                starT += 1; ti = starT; pi = starP + 1; continue
            }
            return false
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Returns whether `byte` is in the class starting at `p[start]` (`[`), and the index after the class;
    /// nil when the class is not closed (then `[` is literal).
    private static func matchClass(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                if p[i] <= byte && byte <= p[i + 2] { matched = true }
                i += 3
            } else {
                if p[i] == byte { matched = true }
                i += 1
            }
        }
        return nil
    }
}
