/// The keys a fleet reader (`OsqueryReader`, `NodeExporterReader`) has read, kept for the hosts after: every host
/// of a fleet names the same few hundred keys, so each is read as a key once and its hosts' rows share it. Up to
/// `keysKept` distinct names and `pathBytesKept` of their paths, so that a log of made-up names cannot grow the
/// table without end. Names are found by their bytes through the shared path hash, not through a dictionary's
/// SipHash.
///
/// A value the reader changes through one access per line: read as properties of the reader (a class), every
/// row's lookups retained and released the arrays they read, a tenth of the time spent reading a log.
struct FleetKeyTable {
    /// The rows read in place from `line`, as `OsqueryReader.add(_:line:to:)` adds each built row: a row without a non-empty
    /// string `name` is passed over; its value is `current_value`, else `value`, as text.
    mutating func add(_ rows: JSONRows, from line: UnsafeBufferPointer<UInt8>, number: Int, to snapshot: inout RuntimeSnapshot) {
        for row in 0..<rows.count {
            let name: Name
            switch rows[row, 0] {
            case .bytes(let range)?:
                guard !range.isEmpty else { continue }
                name = self.name(UnsafeBufferPointer(rebasing: line[range]))
            case .value(.string(let text))?:
                guard !text.isEmpty else { continue }
                name = self.name(text)
            default:
                continue
            }
            switch rows[row, 1] ?? rows[row, 2] {
            case .bytes(let range)?:
                add(name, value: UnsafeBufferPointer(rebasing: line[range]), line: number, to: &snapshot)
            case .value(let value)?:
                UTF8Text.withBytes(value.plainText) { add(name, value: $0, line: number, to: &snapshot) }
            case nil:
                add(name, value: UnsafeBufferPointer(start: nil, count: 0), line: number, to: &snapshot)
            }
        }
    }

    /// Adds a row of the key written as `name`, with its value's bytes.
    mutating func add(named name: String, value: UnsafeBufferPointer<UInt8>, line: Int, to snapshot: inout RuntimeSnapshot) {
        add(self.name(name), value: value, line: line, to: &snapshot)
    }

    /// Adds a row of the key kept at `position` (as `key(_:)` gave it).
    mutating func add(kept position: Int, value: UnsafeBufferPointer<UInt8>, line: Int, to snapshot: inout RuntimeSnapshot) {
        add(.kept(position), value: value, line: line, to: &snapshot)
    }

    /// A row's name: a kept key's position, or a key read for this row alone once `keysKept` are kept.
    private enum Name {
        case kept(Int)
        case unkept(SysctlKey)
    }

    private mutating func name(_ bytes: UnsafeBufferPointer<UInt8>) -> Name {
        let next = lastKept &+ 1
        if next >= 0, next < names.count, UTF8Text.withBytes(names.paths[next], { UTF8Text.same($0, bytes) }) {
            lastKept = next
            return .kept(next)
        }
        if let known = names.position(of: bytes, hash: HashSlots.hash(bytes)) {
            lastKept = known
            return .kept(known)
        }
        return name(String(decoding: bytes, as: UTF8.self))
    }

    private mutating func name(_ text: String) -> Name {
        let (position, key) = key(text)
        lastKept = position ?? -1
        return position.map(Name.kept) ?? .unkept(key)
    }

    /// The kept position of the last row's key. A fleet's hosts list their keys in one order, which is the order
    /// they were kept in: the next row's key is most often the one kept after it, compared before a name is hashed
    /// and looked up.
    private var lastKept = -1

    /// Adds a row of `name`. A kept key's path is copied from `paths`, and nothing is retained for it, unless its
    /// row must keep it whole (see `SnapshotTable.spelling(of:)`).
    private mutating func add(_ name: Name, value: UnsafeBufferPointer<UInt8>, line: Int, to snapshot: inout RuntimeSnapshot) {
        switch name {
        case .kept(let position):
            guard let spelling = spellings[position] else {
                snapshot.add(key: keys[position], value: value, line: line, pathHash: pathHashes[position])
                return
            }
            let start = position == 0 ? 0 : pathEnds[position - 1]
            paths.withUnsafeBufferPointer { paths in
                snapshot.add(path: UnsafeBufferPointer(rebasing: paths[start..<pathEnds[position]]), spelling: spelling,
                             value: value, line: line, pathHash: pathHashes[position], isRelease: position == releasePosition)
            }
        case .unkept(let key):
            snapshot.add(key: key, value: value, line: line)
        }
    }

    private var names = PathIndex()
    private var keys: [SysctlKey] = []
    /// At most this many keys, and this many bytes of their paths (a key's name, its path and the key itself are
    /// each about that size): past either, a key is read for its row alone.
    static let keysKept = 65_536, pathBytesKept = 8 * 1024 * 1024

    /// Each kept key's `HashSlots.hash` of its path, at the same positions: every host's row of the key reuses it.
    private var pathHashes: [UInt32] = []
    /// Each kept key's path, back to back in `paths`, ending at `pathEnds`; and how a row spells it, or nil when a
    /// row keeps the key whole. At most `keysKept` paths of a line's length each.
    private var paths: [UInt8] = []
    private var pathEnds: [Int] = []
    private var spellings: [Int32?] = []
    /// The kept position of `kernel.osrelease`, once seen.
    private var releasePosition: Int?

    mutating func key(_ name: String) -> (Int?, SysctlKey) {
        if let known = names.position(of: name) { return (known, keys[known]) }
        let key = SysctlKey(name)
        guard keys.count < Self.keysKept, paths.count.saturatingAdd(key.path.utf8.count) <= Self.pathBytesKept else { return (nil, key) }
        _ = names.insert(name)
        keys.append(key)
        pathHashes.append(HashSlots.hash(key.path))
        UTF8Text.withBytes(key.path) { paths.append(contentsOf: $0) }
        pathEnds.append(paths.count)
        spellings.append(UTF8Text.withBytes(name) { SnapshotTable.spelling(of: $0) })
        if name == "kernel.osrelease" { releasePosition = keys.count - 1 }
        return (keys.count - 1, key)
    }
}
