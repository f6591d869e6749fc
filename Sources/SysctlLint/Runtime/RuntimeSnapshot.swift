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
    public var entries: [Entry] = []
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
    /// each costs about 600 bytes on its way through the linter.
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
    public var release: String? { entries.first { $0.key == "kernel.osrelease" }?.value }
    public var kernel: KernelVersion? { release.flatMap(KernelVersion.init) }

    /// Adds a value; a repeated key continues a multi-line value (`sysctl -a` repeats `key =` on every line).
    mutating func append(key: String, value: String, line: Int) {
        if let last = entries.last, last.key == key {
            if last.value.utf8.count < InputReader.defaultSizeLimit { entries[entries.count - 1].value += "\n" + value }
        } else {
            add(Entry(key: key, value: value, line: line))
        }
    }

    /// Adds an entry, up to `maxEntries`; past it, one note says the rest were not read.
    mutating func add(_ entry: Entry) {
        if entries.count < Self.maxEntries {
            entries.append(entry)
        } else if !entriesCut {
            entriesCut = true
            notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: entry.file ?? source, line: entry.line, column: 1),
                                 message: "more than \(Self.maxEntries) keys for one host, far more than any kernel has; the rest were not read"))
        }
    }

    private var entriesCut = false

    /// The values as assignments, so that the same engine evaluates them.
    public func parsedFile() -> ParsedFile {
        var file = fileHeader()
        file.statements.reserveCapacity(entries.count)
        forEachAssignment { file.statements.append(.assignment($0)) }
        return file
    }

    /// The file the values count as, without its statements: the linter builds its state from the entries
    /// directly (`EffectiveState(runtime:)`), one pass rather than a list of 64,000 statements read back.
    func fileHeader() -> ParsedFile {
        var file = ParsedFile(path: source)
        file.origin = .runtime
        file.lineCount = entries.last?.line ?? 0
        return file
    }

    /// Each value as the assignment the engine evaluates, in order.
    func forEachAssignment(_ body: (Assignment) -> Void) {
        for entry in entries {
            body(Assignment(
                key: SysctlKey(entry.key), value: entry.value, ignoreFailure: false,
                location: SourceLocation(file: entry.file ?? source, line: entry.line, column: 1),
                valueColumn: entry.key.utf8.count + 4))
        }
    }

    /// The dotted name of a file under /proc/sys, as `sysctl -a` prints it: `/` and `.` swap, so an interface
    /// named `eth0.100` shows as `eth0/100`.
    public static func key(forProcPath relative: String) -> String {
        UTF8Text.swapping(UInt8(ascii: "/"), UInt8(ascii: "."), in: relative)
    }
}
