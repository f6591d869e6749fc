import Foundation

/// A snapshot's values as rows over one byte arena: each row's key path and value bytes, its line and the hash of
/// its path. An `Assignment` is made only when something asks for a row (a rule that watches its key, a figure, a
/// report), and the paths are indexed once, when the state is built (`uniqueIndex()`).
///
/// A 64,000-line `sysctl -a` made 64,000 key strings, paths and assignment boxes, about 350 bytes and three
/// allocations a line; faulting in that memory and indexing it was most of the run, though no rule watches the
/// keys of 16,000 interfaces. A row is 40 bytes plus its bytes in the arena. Storing each path's hash into a
/// table as it was read waited on a cache miss per line; indexed in one loop once all are read, the misses overlap.
struct SnapshotTable: Sendable {
    struct Row: Sendable {
        /// Where the row's path starts in `bytes`; its value follows the path. Lengths fit 32 bits: the readers
        /// cut a line at 16 MiB and a multi-line value at 16 MiB of text.
        var start: Int
        var pathLength: Int32
        var valueLength: Int32
        var line: Int
        /// `HashSlots.hash` of the path, kept so that rule lookups need not hash it again.
        var hash: UInt32
        /// How the key was written: `dotted` (the path with `.` and `/` swapped), `asPath`, or a position in `keys`.
        var spelling: Int32
        /// `fromSource`, or a position in `files`.
        var file: Int32
    }

    static let dotted: Int32 = -1, asPath: Int32 = -2, fromSource: Int32 = -1

    private(set) var bytes: [UInt8] = []
    private(set) var rows: [Row] = []
    /// Keys read before they were added (a fleet reader's), and keys whose written form is neither the path nor
    /// its swap (`a..b`) or is not ASCII: kept whole.
    private var keys: [SysctlKey] = []
    /// Files of rows read from a file of their own (/proc/sys).
    private var files: [String] = []
    /// Whether a key is a glob: then the state is resolved line by line, as for a configuration.
    private(set) var hasGlob = false

    var count: Int { rows.count }

    /// Makes room for the rows of an input of `size` bytes (at most `maxRows`), at a line of 32 bytes or more as in
    /// any `sysctl -a`: growing by doubling copied each array and touched twice its memory. Room reserved but not
    /// used is address space, never touched.
    mutating func reserveCapacity(forInputBytes size: Int, rows maxRows: Int) {
        let expected = min(size / 32, maxRows)
        bytes.reserveCapacity(size)
        rows.reserveCapacity(expected)
    }

    /// What `append` did with a line.
    enum Appended { case added, continued, noRoom }

    /// A `key = value` line of `sysctl -a`: continues the last row's value when the line repeats that row's key
    /// (`sysctl -a` repeats `key =` on every line of a value), else adds a row while fewer than `rowLimit` are
    /// held. The key is read in one pass; its path is copied into the arena, compared there with the last row's,
    /// and kept or dropped.
    mutating func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int,
                         rowLimit: Int, valueLimit: Int) -> Appended {
        let scan = SysctlKey.scan(key)
        guard let spelling = appendPath(of: key, scan) else {
            if lastKeyIsWritten(key) {
                continueLastValue(value, limit: valueLimit)
                return .continued
            }
            guard rows.count < rowLimit else { return .noRoom }
            add(key: SysctlKey(String(decoding: key, as: UTF8.self)), value: value, line: line, file: nil)
            return .added
        }
        let start = bytes.count - key.count
        if let last = rows.last {
            // Rows spelled from their path are ASCII and spelled by their first separator, so equal keys are
            // equal bytes of one spelling; a key kept whole is compared as text.
            let repeated = last.spelling == spelling
                ? Int(last.pathLength) == key.count && bytes.withUnsafeBufferPointer { arena in
                    memcmp(arena.baseAddress! + last.start, arena.baseAddress! + start, key.count) == 0
                }
                : last.spelling >= 0 && written(at: rows.count - 1) == String(decoding: key, as: UTF8.self)
            if repeated {
                bytes.removeSubrange(start...)
                continueLastValue(value, limit: valueLimit)
                return .continued
            }
        }
        guard rows.count < rowLimit else {
            bytes.removeSubrange(start...)
            return .noRoom
        }
        addRow(start: start, value: value, line: line, file: nil, spelling: spelling)
        return .added
    }

    /// Adds a row for a written key.
    mutating func add(written: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int, file: String?) {
        if let spelling = appendPath(of: written, SysctlKey.scan(written)) {
            addRow(start: bytes.count - written.count, value: value, line: line, file: file, spelling: spelling)
        } else {
            add(key: SysctlKey(String(decoding: written, as: UTF8.self)), value: value, line: line, file: file)
        }
    }

    /// How a row spells `written` from its path alone (`dotted` or `asPath`), when `appendPath` would: an ASCII key
    /// that needs no simplifying and is no glob. Nil for any other key, which a row keeps whole.
    static func spelling(of written: UnsafeBufferPointer<UInt8>) -> Int32? {
        spelling(of: written, SysctlKey.scan(written))
    }

    private static func spelling(of written: UnsafeBufferPointer<UInt8>, _ scan: SysctlKey.Scan) -> Int32? {
        guard scan.isSimple, !scan.isGlob, scan.isASCII, !written.isEmpty else { return nil }
        return scan.separator == UInt8(ascii: ".") ? Self.dotted : Self.asPath
    }

    /// Adds a row for a key whose path and spelling (`spelling(of:)` of what was written) a reader worked out
    /// before, with its path's `HashSlots.hash`: a fleet reader reads each name once for all its hosts, and its
    /// rows then share nothing that needs counting references.
    mutating func add(path: UnsafeBufferPointer<UInt8>, spelling: Int32, value: UnsafeBufferPointer<UInt8>, line: Int, pathHash: UInt32) {
        let start = bytes.count
        bytes.append(contentsOf: path)
        addRow(start: start, value: value, line: line, file: nil, spelling: spelling, hash: pathHash)
    }

    /// Appends the path of an ASCII key that needs no simplifying (the key itself, or with `.` and `/` swapped)
    /// and returns its spelling; nil for any other key, which is read as text, as a configuration's keys are
    /// (invalid UTF-8 repaired first).
    private mutating func appendPath(of written: UnsafeBufferPointer<UInt8>, _ scan: SysctlKey.Scan) -> Int32? {
        guard let spelling = Self.spelling(of: written, scan) else { return nil }
        let start = bytes.count
        bytes.append(contentsOf: written)
        guard spelling == Self.dotted else { return spelling }
        bytes.withUnsafeMutableBufferPointer { arena in
            // `.` and `/` differ in their last bit alone.
            for index in start..<arena.count {
                let byte = arena[index]
                arena[index] = byte ^ (byte & 0xFE == UInt8(ascii: ".") ? 1 : 0)
            }
        }
        return Self.dotted
    }

    /// Adds a row for a key already read.
    /// `pathHash`: `HashSlots.hash` of the key's path, when the caller keeps it.
    mutating func add(key: SysctlKey, value: UnsafeBufferPointer<UInt8>, line: Int, file: String?, pathHash: UInt32? = nil) {
        let start = bytes.count
        UTF8Text.withBytes(key.path) { bytes.append(contentsOf: $0) }
        // Kept whole: it is shared with the reader that made it, and a row a rule asks about needs it again.
        let spelling = Int32(keys.count)
        keys.append(key)
        addRow(start: start, value: value, line: line, file: file, spelling: spelling, hash: pathHash)
        if key.isGlob { hasGlob = true }
    }

    /// The row whose path was just appended at `start`, with its value.
    private mutating func addRow(start: Int, value: UnsafeBufferPointer<UInt8>, line: Int, file: String?, spelling: Int32,
                                 hash known: UInt32? = nil) {
        let pathLength = bytes.count - start
        let hash = known ?? bytes.withUnsafeBufferPointer { HashSlots.hash(UnsafeBufferPointer(rebasing: $0[start...])) }
        bytes.append(contentsOf: value)
        var fileIndex = Self.fromSource
        if let file {
            fileIndex = Int32(files.count)
            files.append(file)
        }
        rows.append(Row(start: start, pathLength: Int32(pathLength), valueLength: Int32(value.count), line: line,
                        hash: hash, spelling: spelling, file: fileIndex))
    }

    /// Continues the last row's value on a new line (`sysctl -a` repeats `key =` for every line of a value), up
    /// to `limit` bytes of text: its bytes are the last in the arena.
    mutating func continueLastValue(_ more: UnsafeBufferPointer<UInt8>, limit: Int) {
        guard let last = rows.last else { return }
        let length = Int(last.valueLength)
        // The limit is on the text, where each invalid byte became three: measured only when that could matter.
        if length >= limit { return }
        if length.saturatingMultiply(3) >= limit, value(at: rows.count - 1).utf8.count >= limit { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: more)
        rows[rows.count - 1].valueLength = Int32(clamping: length + 1 + more.count)
    }

    /// Whether the last row's key was written as `written`, compared as text (for keys that are not spelled from
    /// their path; where a non-ASCII key can equal another spelling, U+212A is `K`).
    func lastKeyIsWritten(_ written: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !rows.isEmpty else { return false }
        return self.written(at: rows.count - 1) == String(decoding: written, as: UTF8.self)
    }

    /// The rows' paths by hash, when no two rows share a path and no key is a glob (as in any real snapshot);
    /// else nil, and the state is resolved line by line. Built in one loop over the rows' kept hashes, once all are
    /// read, so that the probes' cache misses overlap rather than wait between lines.
    func uniqueIndex() -> HashSlots? {
        guard !hasGlob else { return nil }
        var index = HashSlots(capacity: rows.count)
        let unique = rows.withUnsafeBufferPointer { rows in
            bytes.withUnsafeBufferPointer { arena in
                for position in rows.indices {
                    let row = rows[position]
                    let found = index.find(hash: row.hash) { other in
                        let candidate = rows[other]
                        guard candidate.pathLength == row.pathLength, row.pathLength > 0, let base = arena.baseAddress else {
                            return candidate.pathLength == row.pathLength
                        }
                        return memcmp(base + candidate.start, base + row.start, Int(row.pathLength)) == 0
                    }
                    if found.position != nil { return false }
                    index.take(found.slot, hash: row.hash, position: position)
                }
                return true
            }
        }
        return unique ? index : nil
    }

    /// The row whose key has `path`, found through `index` (made by `uniqueIndex()`), or nil.
    func position(of path: String, in index: HashSlots) -> Int? {
        position(of: path, hash: HashSlots.hash(path), in: index)
    }

    /// The same, with the path's `HashSlots.hash` known.
    private func position(of path: String, hash: UInt32, in index: HashSlots) -> Int? {
        UTF8Text.withBytes(path) { wanted in
            index.position(hash: hash) { position in
                withPath(at: position) { candidate, _ in UTF8Text.same(candidate, wanted) }
            }
        }
    }

    /// The rows whose paths `filter` names or starts, in order: the exact paths looked up through `index` (made
    /// by `uniqueIndex()`), the prefixes compared with every row.
    func positions(_ filter: PathFilter, index: HashSlots) -> [Int] {
        // A lookup costs about what asking which rules watch a row does: for a fleet host's few dozen rows, fewer
        // than four times the paths rules name, every row is a candidate.
        if rows.count < 4 * filter.exact.count { return Array(rows.indices) }
        var found: [Int] = []
        for (path, hash) in zip(filter.exact, filter.exactHashes) {
            if let position = position(of: path, hash: hash, in: index) { found.append(position) }
        }
        if !filter.prefixes.isEmpty {
            rows.withUnsafeBufferPointer { rows in
                bytes.withUnsafeBufferPointer { arena in
                    for position in rows.indices {
                        let row = rows[position]
                        let matches = filter.prefixes.contains { prefix in
                            prefix.count <= Int(row.pathLength) && prefix.withUnsafeBufferPointer { prefix in
                                prefix.isEmpty || memcmp(arena.baseAddress! + row.start, prefix.baseAddress!, prefix.count) == 0
                            }
                        }
                        if matches { found.append(position) }
                    }
                }
            }
        }
        found.sort()
        var previous = -1
        return found.filter { position in
            defer { previous = position }
            return position != previous
        }
    }

    /// `body` over the row's path bytes and their hash.
    func withPath<Result>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>, UInt32) -> Result) -> Result {
        let row = rows[position]
        return bytes.withUnsafeBufferPointer { arena in
            body(UnsafeBufferPointer(rebasing: arena[row.start..<(row.start + Int(row.pathLength))]), row.hash)
        }
    }

    func value(at position: Int) -> String {
        let row = rows[position]
        let start = row.start + Int(row.pathLength)
        return bytes.withUnsafeBufferPointer { String(decoding: $0[start..<(start + Int(row.valueLength))], as: UTF8.self) }
    }

    /// Appends what an assignment of the row holds, unambiguously: its path, how it is written, its value, its line
    /// counted from `lineBase`, and its file. Two rows with the same identity (at lines the same distance from their
    /// bases) make the same assignment but for its line.
    func appendIdentity(of position: Int, lineBase: Int, to signature: inout [UInt8]) {
        let row = rows[position]
        // One fixed header, then the bytes: appending each part on its own cost a thousand instructions a row.
        // A kept key's and a file's position differ from table to table: their text follows instead.
        let header = (Int64(row.pathLength), Int64(row.valueLength), Int64(min(row.spelling, 0)), Int64(min(row.file, 0)),
                      Int64(row.line &- lineBase))
        withUnsafeBytes(of: header) { signature.append(contentsOf: $0) }
        // As a slice, not a buffer: appending buffers is the arena's hot path, and a second caller of that
        // specialization had the optimizer stop inlining its copy there (2% of a snapshot).
        bytes.withUnsafeBufferPointer { arena in
            signature.append(contentsOf: arena[row.start..<(row.start + Int(row.pathLength) + Int(row.valueLength))])
        }
        func append(_ text: String) {
            withUnsafeBytes(of: Int64(text.utf8.count)) { signature.append(contentsOf: $0) }
            signature.append(contentsOf: text.utf8)
        }
        if row.spelling >= 0 { append(keys[Int(row.spelling)].written) }
        if let file = file(at: position) { append(file) }
    }

    /// Whether `other` holds the same paths in the same order, so that any choice made from the paths alone (which
    /// rows rules watch) is the same for both.
    func hasSamePaths(as other: SnapshotTable) -> Bool {
        guard rows.count == other.rows.count else { return false }
        return rows.withUnsafeBufferPointer { rows in
            other.rows.withUnsafeBufferPointer { otherRows in
                bytes.withUnsafeBufferPointer { arena in
                    other.bytes.withUnsafeBufferPointer { otherArena in
                        for position in rows.indices {
                            let row = rows[position], otherRow = otherRows[position]
                            guard row.hash == otherRow.hash, row.pathLength == otherRow.pathLength else { return false }
                            guard row.pathLength > 0, let base = arena.baseAddress, let otherBase = otherArena.baseAddress else { continue }
                            if memcmp(base + row.start, otherBase + otherRow.start, Int(row.pathLength)) != 0 { return false }
                        }
                        return true
                    }
                }
            }
        }
    }

    /// The key as the input wrote it.
    func written(at position: Int) -> String {
        let row = rows[position]
        if row.spelling >= 0 { return keys[Int(row.spelling)].written }
        let path = bytes.withUnsafeBufferPointer { String(decoding: $0[row.start..<(row.start + Int(row.pathLength))], as: UTF8.self) }
        return row.spelling == Self.asPath ? path : SysctlKey.swapSeparators(path)
    }

    func file(at position: Int) -> String? {
        let index = rows[position].file
        return index == Self.fromSource ? nil : files[Int(index)]
    }

    /// The row as the assignment a snapshot line stands for.
    func assignment(at position: Int, source: String) -> Assignment {
        let row = rows[position]
        let key = row.spelling >= 0 ? keys[Int(row.spelling)]
            : withPath(at: position) { path, _ in SysctlKey(simplePath: path, dotted: row.spelling == Self.dotted) }
        return Assignment(key: key, value: value(at: position), ignoreFailure: false,
                          location: SourceLocation(file: file(at: position) ?? source, line: row.line, column: 1),
                          valueColumn: key.written.utf8.count + 4)
    }
}
