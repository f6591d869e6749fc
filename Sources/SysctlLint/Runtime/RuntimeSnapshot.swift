/// The values a running kernel holds: read live from /proc/sys, or from a saved `sysctl -a`, a copied /proc/sys
/// tree or a fleet tool's export. One snapshot is one host.
public struct RuntimeSnapshot: Sendable {
    /// One key's value as the kernel reports it (multi-line values joined with newlines).
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
        public var line: Int
        /// The file the value was read from, when each key is a file of its own (/proc/sys); else the source.
        public var file: String?

        public init(key: String, value: String, line: Int, file: String? = nil) {
            self.key = key
            self.value = value
            self.line = line
            self.file = file
        }
    }

    /// Where the values came from, as shown in findings (`snapshot.txt`, `/proc/sys`).
    public var source: String
    /// The host the values belong to, when the input names one (fleet exports).
    public var host: String?
    /// The values in the order read, as rows over the input's bytes: assignments are made from them only when
    /// something asks (see `SnapshotTable`).
    private(set) var table = SnapshotTable()
    /// The first `kernel.osrelease`, by position.
    private var releasePosition: Int?

    /// The values as the engine evaluates them, in the order read. Each call makes them all: the linter takes
    /// its state from the rows (`EffectiveState(runtime:)`).
    public var assignments: [Assignment] {
        (0..<table.count).map { table.assignment(at: $0, source: source) }
    }

    /// How many values the snapshot holds.
    public var count: Int { table.count }

    /// One entry per key as the input gave it, for readers of the values rather than the engine. Setting them
    /// replaces every value, as adding each in turn would.
    public var entries: [Entry] {
        get {
            (0..<table.count).map { position in
                let file = table.file(at: position)
                return Entry(key: table.written(at: position), value: table.value(at: position),
                             line: table.rows[position].line, file: file == source ? nil : file)
            }
        }
        set {
            table = SnapshotTable()
            releasePosition = nil
            entriesCut = false
            for entry in newValue { add(entry) }
        }
    }
    /// True when the input lists every key the kernel has (a dump, a /proc/sys tree), so that a missing key is
    /// evidence; fleet exports often carry only selected keys.
    public var isComplete = true
    /// What could not be read (permission denied, write-only keys) and lines that are not values: noted, not fatal.
    public var notes: [Finding] = []

    public init(source: String, host: String? = nil) {
        self.source = source
        // Every finding of the host repeats its name; a DNS name is at most 253 bytes.
        self.host = host.map { Finding.bounded($0, Self.maxHostBytes) }
    }

    public static let maxHostBytes = 256
    /// Entries one host may hold (a real `sysctl -a` has a few thousand, tens of thousands with many interfaces):
    /// each is a row of 40 bytes plus its bytes, and an assignment of a few hundred bytes if a rule watches it.
    public static let maxEntries = 200_000

    /// At most this many notes are kept per snapshot, then one that says the rest were not listed: a file of
    /// garbage lines would otherwise hold a finding per line (8 MiB of them took gigabytes).
    public static let noteLimit = 1000

    /// Records what could not be read, up to `noteLimit`.
    mutating func note(_ finding: Finding) {
        Self.append(finding, to: &notes)
    }

    /// The same limit, for readers that collect notes before they know which snapshot holds them.
    static func append(_ finding: Finding, to notes: inout [Finding]) {
        if notes.count < noteLimit {
            notes.append(finding)
        } else if notes.count == noteLimit {
            notes.append(Finding(rule: finding.rule, severity: finding.severity, location: finding.location,
                                 message: "more than \(noteLimit) lines of this input could not be read; from here on they are skipped without a note each"))
        }
    }

    /// `kernel.osrelease`, which sets the target kernel unless the user names one.
    public var release: String? { releasePosition.map { table.value(at: $0) } }
    public var kernel: KernelVersion? { release.flatMap { KernelVersion($0) } }

    /// Makes room for the values of an input of this size, as `SnapshotTable.reserveCapacity` does.
    mutating func reserveCapacity(forInputBytes size: Int) {
        table.reserveCapacity(forInputBytes: size, rows: Self.maxEntries)
    }

    /// Adds a value; a repeated key continues a multi-line value (`sysctl -a` repeats `key =` on every line).
    mutating func append(key: String, value: String, line: Int) {
        UTF8Text.withBytes(key) { key in UTF8Text.withBytes(value) { value in append(key: key, value: value, line: line) } }
    }

    /// The same, on the bytes of a line.
    mutating func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) {
        switch table.append(key: key, value: value, line: line, rowLimit: Self.maxEntries, valueLimit: InputReader.defaultSizeLimit) {
        case .added: noteRelease(key.count == Self.releaseKey.count && key.elementsEqual(Self.releaseKey))
        case .continued: break
        case .noRoom: _ = roomForOne(line: line, file: nil)
        }
    }

    /// Adds an entry, up to `maxEntries`; past it, one note says the rest were not read.
    mutating func add(_ entry: Entry) {
        guard roomForOne(line: entry.line, file: entry.file) else { return }
        UTF8Text.withBytes(entry.key) { key in
            UTF8Text.withBytes(entry.value) { value in table.add(written: key, value: value, line: entry.line, file: entry.file) }
        }
        noteRelease(entry.key == "kernel.osrelease")
    }

    /// The same, with the entry's key already read (`key` is `SysctlKey(entry.key)`).
    mutating func add(_ entry: Entry, key: SysctlKey) {
        guard roomForOne(line: entry.line, file: entry.file) else { return }
        UTF8Text.withBytes(entry.value) { value in table.add(key: key, value: value, line: entry.line, file: entry.file) }
        noteRelease(entry.key == "kernel.osrelease")
    }

    /// The same, from a value's bytes, for readers that have not made strings of them.
    mutating func add(key: SysctlKey, value: UnsafeBufferPointer<UInt8>, line: Int, pathHash: UInt32? = nil) {
        guard roomForOne(line: line, file: nil) else { return }
        table.add(key: key, value: value, line: line, file: nil, pathHash: pathHash)
        noteRelease(key.written == "kernel.osrelease")
    }

    /// The same, for a key a reader has read before as its path and spelling (see `SnapshotTable.add(path:…)`).
    mutating func add(path: UnsafeBufferPointer<UInt8>, spelling: Int32, value: UnsafeBufferPointer<UInt8>, line: Int,
                      pathHash: UInt32, isRelease: Bool) {
        guard roomForOne(line: line, file: nil) else { return }
        table.add(path: path, spelling: spelling, value: value, line: line, pathHash: pathHash)
        noteRelease(isRelease)
    }

    private static let releaseKey = Array("kernel.osrelease".utf8)

    /// Whether another value fits under `maxEntries`; the first that does not is noted.
    private mutating func roomForOne(line: Int, file: String?) -> Bool {
        if table.count < Self.maxEntries { return true }
        if !entriesCut {
            entriesCut = true
            notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: file ?? source, line: line, column: 1),
                                 message: "more than \(Self.maxEntries) keys for one host, far more than any kernel has; the rest were not read"))
        }
        return false
    }

    /// Remembers the first `kernel.osrelease`, just added.
    private mutating func noteRelease(_ isRelease: Bool) {
        if isRelease, releasePosition == nil { releasePosition = table.count - 1 }
    }

    private var entriesCut = false

    /// The values as assignments, so that the same engine evaluates them.
    public func parsedFile() -> ParsedFile {
        var file = fileHeader()
        file.statements = assignments.map { .assignment($0) }
        return file
    }

    /// The file the values count as, without its statements: the linter takes its state from the snapshot's
    /// assignments directly (`EffectiveState(runtime:)`).
    func fileHeader() -> ParsedFile {
        var file = ParsedFile(path: source)
        file.origin = .runtime
        file.lineCount = table.rows.last?.line ?? 0
        return file
    }

    /// The dotted name of a file under /proc/sys, as `sysctl -a` prints it: `/` and `.` swap, so an interface
    /// named `eth0.100` shows as `eth0/100`.
    public static func key(forProcPath relative: String) -> String {
        UTF8Text.swapping(UInt8(ascii: "/"), UInt8(ascii: "."), in: relative)
    }
}
