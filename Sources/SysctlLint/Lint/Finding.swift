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
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var key: String?
    public var value: String?
    public var location: SourceLocation?
    public var message: String
    public var fix: String?
    public var references: [String]
    /// The host whose values produced the finding (fleet exports); nil for a single machine or config files.
    public var host: String?
    /// What the running kernel's counters or sockets say about it (`--live`, `--evidence`); nil when not checked.
    /// Kept behind a reference: few findings have one, and every finding is copied many times on its way out.
    public var evidence: FindingEvidence? {
        get { evidenceBox?.value }
        set { evidenceBox = newValue.map(EvidenceBox.init) }
    }
    private var evidenceBox: EvidenceBox?

    public init(
        rule: String, severity: Severity, key: String? = nil, value: String? = nil,
        location: SourceLocation?, message: String, fix: String? = nil, references: [String] = []
    ) {
        self.rule = rule
        self.severity = severity
        self.key = key.map { Self.bounded($0, Self.maxValueBytes) }
        self.value = value.map { Self.bounded($0, Self.maxValueBytes) }
        self.location = location
        self.message = Self.bounded(message, Self.maxMessageBytes)
        self.fix = fix.map { Self.bounded($0, Self.maxMessageBytes) }
        self.references = references
    }

    /// A finding quotes input: values of megabytes (a repeated key before one huge value) would otherwise be copied
    /// into every finding that names them. Longer text is cut at these sizes and ends with "…".
    public static let maxMessageBytes = 8192
    public static let maxValueBytes = 4096

    static func bounded(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while cut > text.startIndex, !text.unicodeScalars.indices.contains(cut) { cut = text.utf8.index(before: cut) }
        return String(text[..<cut]) + "…"
    }

    /// The message with its host in front (`[web-1] …`) for fleet findings, as the one-line formats show it.
    public var messageWithHost: String {
        host.map { "[\($0)] " + message } ?? message
    }
}

/// Immutable storage for a finding's evidence, shared between copies.
private final class EvidenceBox: Sendable, Hashable {
    let value: FindingEvidence
    init(_ value: FindingEvidence) { self.value = value }
    static func == (lhs: EvidenceBox, rhs: EvidenceBox) -> Bool { lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
