/// A sysctl key as the loaders see it.
///
/// The loaders turn a key into a path under `/proc/sys` by the first-separator rule: when the first of `/` and
/// `.` in the key is a `.`, every `.` and `/` swaps; when it is a `/`, the key is already a path. systemd then
/// simplifies the path (`//` collapses, a leading or trailing `/` goes). Two spellings are the same key when
/// their paths are equal, so `kernel.hostname` and `kernel/hostname` are one key.
public struct SysctlKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as written, after the loader's trimming.
    public let written: String
    /// The path under `/proc/sys`, simplified the way systemd-sysctl does it.
    public let path: String

    /// Whether `name` is `written` itself: a dotted key that simplifying left alone swaps back to what was written,
    /// so the common case builds no second string.
    private let nameIsWritten: Bool
    /// Keys holding `*`, `?` or `[` are globs for procps ≥ 4.0 and systemd ≥ 245 (asked of every key many times,
    /// so worked out once).
    public let isGlob: Bool

    public init(_ written: String) {
        self.written = written
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        let scan = UTF8Text.withBytes(written) { Self.scan($0) }
        let dotted = scan.separator == dot, simple = scan.isSimple
        let unsimplified = dotted ? UTF8Text.swapping(dot, slash, in: written, knownToOccur: true) : written
        self.path = simple ? unsimplified : Self.simplify(unsimplified)
        self.nameIsWritten = dotted && simple
        self.isGlob = scan.isGlob
    }

    /// A key a row spells from its path (`SnapshotTable`): an ASCII path that needs no simplifying and holds no
    /// glob character, written dotted (`dotted`: its separators swapped) or as the path itself. What `init(_:)`
    /// makes of that spelling, without scanning the key and swapping it twice.
    init(simplePath path: UnsafeBufferPointer<UInt8>, dotted: Bool) {
        self.path = String(decoding: path, as: UTF8.self)
        written = !dotted ? self.path : String(unsafeUninitializedCapacity: path.count) { buffer in
            // `.` and `/` differ in their last bit alone.
            for index in 0..<path.count { buffer[index] = path[index] ^ (path[index] & 0xFE == UInt8(ascii: ".") ? 1 : 0) }
            return path.count
        }
        nameIsWritten = dotted
        isGlob = false
    }

    /// What one pass over a written key's bytes finds.
    struct Scan {
        /// The first separator (`.` or `/`), or 0 for none.
        var separator: UInt8 = 0
        var isGlob = false
        /// No empty or `.` component: the path needs no simplifying.
        var isSimple = true
        var isASCII = true
    }

    /// A written key's bytes read eight at a time (every key of a 64,000-line snapshot comes through here): a word
    /// at once is tested for non-ASCII and glob bytes and for where `.` and `/` stand, and only those separators
    /// are looked at one by one. The path's separator is the first separator written, and `.` and `/` differ in
    /// their last bit alone: the other separator byte stands for a `.` in the path. The path is simple when no
    /// component is empty (a leading, trailing or doubled separator) and none is the other separator alone, which
    /// is a `.` component.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        var result = Scan()
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else {
            result.isSimple = false
            return result
        }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0, glob: UInt64 = 0
        var separator: UInt8 = 0
        var offset = 0
        while offset < count {
            // The next eight bytes; at the end, the last eight (those already read are left out of `fresh`), or
            // for a key shorter than a word its bytes padded with a byte of a name.
            var word: UInt64, fresh = UInt64.max
            if count - offset >= 8 {
                word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            } else if count >= 8 {
                fresh = UInt64.max << UInt64((8 - (count - offset)) * 8)
                offset = count - 8
                word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            } else {
                word = 0x6161_6161_6161_6161
                for index in 0..<(count - offset) {
                    let shift = UInt64(index * 8)
                    word = word & ~(0xFF << shift) | UInt64(base[offset + index]) << shift
                }
            }
            high |= word
            glob |= UTF8Text.zeroBytes(word ^ UTF8Text.broadcast(UInt8(ascii: "*"))) | UTF8Text.zeroBytes(word ^ UTF8Text.broadcast(UInt8(ascii: "?")))
                | UTF8Text.zeroBytes(word ^ UTF8Text.broadcast(UInt8(ascii: "[")))
            var separators = UTF8Text.zeroBytes((word | UTF8Text.broadcast(0x01)) ^ UTF8Text.broadcast(UInt8(ascii: "/"))) & fresh  // `.` and `/`
            while separators != 0 {
                let index = offset + separators.trailingZeroBitCount / 8
                separators &= separators - 1
                let byte = base[index]
                if separator == 0 {
                    separator = byte
                    if index == 0 { result.isSimple = false }
                }
                guard byte == separator else { continue }
                // The component after this separator: empty (the end, or another separator), or the other
                // separator alone.
                let next = index + 1 < count ? base[index + 1] : separator
                if next == separator || (next == separator ^ 1 && (index + 2 == count || base[index + 2] == separator)) {
                    result.isSimple = false
                }
            }
            offset += 8
        }
        result.isASCII = high & UTF8Text.broadcast(0x80) == 0
        result.isGlob = glob != 0
        result.separator = separator
        return result
    }

    /// The dotted form `sysctl -a` prints: path separators become `.`, and a literal `.` (as in the interface
    /// name `eth0.100`) becomes `/`.
    public var name: String { nameIsWritten ? written : Self.swapSeparators(path) }

    public var description: String { name }

    static func toPath(_ key: String) -> String {
        guard let first = key.utf8.first(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") }), first == UInt8(ascii: ".") else {
            return key
        }
        return swapSeparators(key)
    }

    static func swapSeparators(_ text: String) -> String {
        UTF8Text.swapping(UInt8(ascii: "."), UInt8(ascii: "/"), in: text)
    }

    /// Empty and `.` components dropped (`a//b/./c/` → `a/b/c`), as systemd's path_simplify does.
    static func simplify(_ path: String) -> String {
        if isSimple(path) { return path }
        return path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .joined(separator: "/")
    }

    /// No empty component, no `.` component: the common case, checked on bytes without building anything.
    static func isSimple(_ path: String) -> Bool {
        UTF8Text.withBytes(path) { bytes in
            var atComponentStart = true  // a leading `/` makes an empty first component
            var componentIsDot = false
            for byte in bytes {
                if byte == UInt8(ascii: "/") {
                    if atComponentStart || componentIsDot { return false }
                    atComponentStart = true
                    componentIsDot = false
                } else {
                    componentIsDot = atComponentStart && byte == UInt8(ascii: ".")
                    atComponentStart = false
                }
            }
            return !bytes.isEmpty && !atComponentStart && !componentIsDot
        }
    }

    /// Spelling problems the loaders treat differently or fail on. Asked of every key a file sets, so both
    /// scans run on the bytes in place.
    public var spellingIssues: [KeySpellingIssue] {
        // Nearly every key is names between single separators, without blanks or braces: then only a /proc/sys
        // prefix can be wrong, and the passes below (which find nothing else in such a key) are skipped.
        if UTF8Text.withBytes(written, Self.isPlainlySeparated) {
            return UTF8Text.withBytes(path, Self.namesProcSys) ? [.procSysPrefix] : []
        }
        var issues: [KeySpellingIssue] = []
        // For a dotted key that needed no simplifying, the unsimplified path is `path` itself: nothing is rebuilt.
        let raw = nameIsWritten ? path : Self.toPath(written)
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var repeated = false, parent = false, trailing = false
        UTF8Text.withBytes(raw) { bytes in
            var previous: UInt8 = 0, componentLength = 0, componentDots = 0
            for byte in bytes {
                if byte == slash {
                    if previous == slash { repeated = true }
                    if componentLength == 2 && componentDots == 2 { parent = true }
                    componentLength = 0
                    componentDots = 0
                } else {
                    componentLength += 1
                    if byte == dot { componentDots += 1 }
                }
                previous = byte
            }
            if componentLength == 2 && componentDots == 2 { parent = true }
            trailing = bytes.count > 1 && previous == slash
        }
        if repeated { issues.append(.repeatedSeparator) }
        if trailing { issues.append(.trailingSeparator) }
        if UTF8Text.withBytes(path, { Self.namesProcSys($0) }) { issues.append(.procSysPrefix) }
        if parent { issues.append(.parentComponent) }
        var blank = false, open = false, close = false
        UTF8Text.withBytes(written) { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"): blank = true
                case UInt8(ascii: "{"): open = true
                case UInt8(ascii: "}"): close = true
                default: break
                }
            }
        }
        if blank { issues.append(.innerWhitespace) }
        if open && close { issues.append(.braces) }
        return issues
    }

    private static let procSys = Array("proc/sys".utf8)

    /// No two separators side by side and none last (so no empty or `..` component, in either spelling), and no
    /// blank or `{` (braces are a problem only in pairs).
    private static func isPlainlySeparated(_ written: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousWasSeparator = false
        for byte in written {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "/"):
                if previousWasSeparator { return false }
                previousWasSeparator = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "{"): return false
            default: previousWasSeparator = false
            }
        }
        return !previousWasSeparator
    }

    /// `proc/sys` or a path under it.
    private static func namesProcSys(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path.count >= procSys.count, path.prefix(procSys.count).elementsEqual(procSys) else { return false }
        return path.count == procSys.count || path[procSys.count] == UInt8(ascii: "/")
    }
}

public enum KeySpellingIssue: Sendable, Equatable {
    case repeatedSeparator, trailingSeparator, procSysPrefix, parentComponent, innerWhitespace, braces
}
