/// How much a finding matters. `error`: breaks traffic or fails to apply; `warning`: real risk;
/// `info`: a no-op or a misconception.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// "1 error, 6 warnings, 5 infos", most severe first; `skippingZero` leaves out the severities with none.
    public static func phrase(_ counts: [Severity: Int], skippingZero: Bool = false) -> String {
        allCases.reversed().compactMap { severity -> String? in
            let count = counts[severity] ?? 0
            if skippingZero && count == 0 { return nil }
            return "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }.joined(separator: ", ")
    }
}

/// A place in an input file. Lines and columns are 1-based; columns count bytes, as compilers do.
public struct SourceLocation: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// How a message at `reader` names this place: "line 7" in the same file, "other.conf:7" elsewhere.
    func place(from reader: SourceLocation) -> String {
        file == reader.file ? "line \(line)" : "\(file):\(line)"
    }
}

/// One diagnostic: a value collected into the report, never thrown.
///
/// A value type whose fields live in one immutable box: a finding is copied many times on its way out
/// (collected, given references, filtered, sorted, limited, reported), and copying nine strings and an array
/// field by field cost a large file a fifth of its run; a box costs one reference count per copy. Setting a
/// field makes a new box, which only a few fields ever need once a finding is made (references, host, evidence).
public struct Finding: Sendable, Hashable {
    private var storage: FindingStorage

    public var rule: String {
        get { storage.fields.rule }
        set { storage = storage.changing { $0.rule = newValue } }
    }
    public var severity: Severity {
        get { storage.fields.severity }
        set { storage = storage.changing { $0.severity = newValue } }
    }
    public var key: String? {
        get { storage.fields.key }
        set { storage = storage.changing { $0.key = newValue } }
    }
    public var value: String? {
        get { storage.fields.value }
        set { storage = storage.changing { $0.value = newValue } }
    }
    public var location: SourceLocation? {
        get { storage.fields.location }
        set { storage = storage.changing { $0.location = newValue } }
    }
    public var message: String {
        get { storage.fields.message }
        set { storage = storage.changing { $0.message = newValue } }
    }
    public var fix: String? {
        get { storage.fields.fix }
        set { storage = storage.changing { $0.fix = newValue } }
    }
    public var references: [String] {
        get { storage.fields.references }
        set { storage = storage.changing { $0.references = newValue } }
    }
    /// Whether `references` holds any, read without copying the list.
    var hasReferences: Bool { !storage.fields.references.isEmpty }
    /// The host whose values produced the finding (fleet exports); nil for a single machine or config files.
    public var host: String? {
        get { storage.fields.host }
        set { storage = storage.changing { $0.host = newValue } }
    }

    /// The same finding of another host, `lines` further down its input (wrapping: only a shift between two real
    /// lines is ever given, which fits).
    func moved(lines: Int, host: String?) -> Finding {
        var moved = self
        moved.storage = storage.changing { fields in
            fields.location?.line &+= lines
            fields.host = host
        }
        return moved
    }

    /// What the running kernel's counters or sockets say about it (`--live`, `--evidence`); nil when not checked.
    public var evidence: FindingEvidence? {
        get { storage.fields.evidence }
        set { storage = storage.changing { $0.evidence = newValue } }
    }

    public init(
        rule: String, severity: Severity, key: String? = nil, value: String? = nil,
        location: SourceLocation?, message: String, fix: String? = nil, references: [String] = []
    ) {
        storage = FindingStorage(FindingStorage.Fields(
            rule: rule, severity: severity, key: key.map { Self.bounded($0, Self.maxValueBytes) },
            value: value.map { Self.bounded($0, Self.maxValueBytes) }, location: location,
            message: Self.bounded(message, Self.maxMessageBytes), fix: fix.map { Self.bounded($0, Self.maxMessageBytes) },
            references: references, host: nil, evidence: nil))
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    /// A finding quotes input: values of megabytes (a repeated key before one huge value) would otherwise be copied
    /// into every finding that names them. Longer text is cut at these sizes and ends with "…".
    public static let maxMessageBytes = 8192
    public static let maxValueBytes = 4096

    @inline(__always) static func bounded(_ text: String, _ limit: Int) -> String {
        text.utf8.count > limit ? cut(text, limit) : text
    }

    private static func cut(_ text: String, _ limit: Int) -> String {
        var cut = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while cut > text.startIndex, !text.unicodeScalars.indices.contains(cut) { cut = text.utf8.index(before: cut) }
        return String(text[..<cut]) + "…"
    }

    /// The message with its host in front (`[web-1] …`) for fleet findings, as the one-line formats show it.
    public var messageWithHost: String {
        host.map { "[\($0)] " + message } ?? message
    }
}

/// A finding's fields, never changed once made: a change makes a new box (`changing`). Immutable, so that a
/// reporter reads a finding's strings in place, without counting a reference to each (a field that could change
/// during a call had to be retained around it), and so that a box two threads can see is never written.
private final class FindingStorage: Sendable {
    struct Fields: Hashable {
        var rule: String
        var severity: Severity
        var key: String?
        var value: String?
        var location: SourceLocation?
        var message: String
        var fix: String?
        var references: [String]
        var host: String?
        var evidence: FindingEvidence?
    }

    let fields: Fields

    init(_ fields: Fields) {
        self.fields = fields
    }

    /// A box with `change` made to these fields.
    func changing(_ change: (inout Fields) -> Void) -> FindingStorage {
        var changed = fields
        change(&changed)
        return FindingStorage(changed)
    }
}
