/// An assignment `key = value` as a loader reads it, with where each part stands.
public struct Assignment: Sendable, Hashable {
    public var key: SysctlKey
    /// The value after trimming, byte for byte as the loader writes it (quotes and `# text` included).
    public var value: String
    /// A leading `-`: the loaders ignore some failures of this line.
    public var ignoreFailure: Bool
    /// Where the line starts (the `-` or the key).
    public var location: SourceLocation
    /// Column of the value's first byte (just after `=` for an empty value).
    public var valueColumn: Int

    /// Where the value starts, for findings about the value itself.
    public var valueLocation: SourceLocation {
        SourceLocation(file: location.file, line: location.line, column: valueColumn)
    }

    public init(key: SysctlKey, value: String, ignoreFailure: Bool, location: SourceLocation, valueColumn: Int) {
        self.key = key
        self.value = value
        self.ignoreFailure = ignoreFailure
        self.location = location
        self.valueColumn = valueColumn
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
        case exclusion(Exclusion)
        case comment(Comment)
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
