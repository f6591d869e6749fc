/// An assignment `key = value` as a loader reads it, with where each part stands.
///
/// Immutable, and its fields live in one shared box: an assignment is copied into the effective state, the
/// findings and the figures, and tens of thousands of them (a snapshot, a fleet host) copied field by field spent
/// more time counting references than linting.
public struct Assignment: Sendable, Hashable {
    private let storage: Storage

    public var key: SysctlKey { storage.key }
    /// The value after trimming, byte for byte as the loader writes it (quotes and `# text` included).
    public var value: String { storage.value }
    /// A leading `-`: the loaders ignore some failures of this line.
    public var ignoreFailure: Bool { storage.ignoreFailure }
    /// Where the line starts (the `-` or the key).
    public var location: SourceLocation { storage.location }
    /// Column of the value's first byte (just after `=` for an empty value).
    public var valueColumn: Int { storage.valueColumn }

    /// Where the value starts, for findings about the value itself.
    public var valueLocation: SourceLocation {
        SourceLocation(file: location.file, line: location.line, column: valueColumn)
    }

    public init(key: SysctlKey, value: String, ignoreFailure: Bool, location: SourceLocation, valueColumn: Int) {
        storage = Storage(key: key, value: value, ignoreFailure: ignoreFailure, location: location, valueColumn: valueColumn)
    }

    public static func == (lhs: Assignment, rhs: Assignment) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    private final class Storage: Sendable {
        let key: SysctlKey
        let value: String
        let ignoreFailure: Bool
        let location: SourceLocation
        let valueColumn: Int

        init(key: SysctlKey, value: String, ignoreFailure: Bool, location: SourceLocation, valueColumn: Int) {
            self.key = key
            self.value = value
            self.ignoreFailure = ignoreFailure
            self.location = location
            self.valueColumn = valueColumn
        }

        struct Fields: Hashable {
            let key: SysctlKey, value: String, ignoreFailure: Bool, location: SourceLocation, valueColumn: Int
        }

        var fields: Fields { Fields(key: key, value: value, ignoreFailure: ignoreFailure, location: location, valueColumn: valueColumn) }
    }
}

/// A `-key` line without `=`: keeps globs from writing the key (procps ≥ 4), or drops an earlier assignment
/// of the key (systemd).
public struct Exclusion: Sendable, Hashable {
    public var key: SysctlKey
    public var location: SourceLocation
}

/// A whole-line comment; its text is kept for inline directives.
public struct Comment: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation
}

/// Everything one file yields: its statements in order, and what the parser had to say about its lines.
public struct ParsedFile: Sendable {
    public enum Statement: Sendable, Hashable {
        case assignment(Assignment)
        // Boxed: rare, and unboxed they made every statement of a large file eight times the size of an assignment.
        indirect case exclusion(Exclusion)
        indirect case comment(Comment)
    }

    /// Configuration to be applied, or values a running kernel reported (which are not checked as writes).
    public enum Origin: String, Sendable {
        case config, runtime
    }

    public var path: String
    public var statements: [Statement]
    public var findings: [Finding]
    public var lineCount: Int
    public var origin: Origin = .config
    /// The container or pod the values are for (`Deployment web`, `service api`); nil for a host's own files.
    public var workload: String?

    public init(path: String, statements: [Statement] = [], findings: [Finding] = [], lineCount: Int = 0) {
        self.path = path
        self.statements = statements
        self.findings = findings
        self.lineCount = lineCount
    }

    public var assignments: [Assignment] {
        statements.compactMap { if case .assignment(let a) = $0 { a } else { nil } }
    }
}
