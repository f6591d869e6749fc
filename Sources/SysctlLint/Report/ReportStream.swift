/// A report written as results arrive: `begin`, one `add` per result, `end`. A single run adds its one result; a
/// fleet export adds each host as it is read, so that memory does not grow with the fleet. Both go through the same
/// three calls, and every format writes into a `ReportSink` rather than building its report whole.
///
/// The formats that are one document (SARIF, GitLab, JUnit, Checkstyle) hold the findings they are given, up to
/// `FindingLimit.perRun`, and write the document at `end`.
public protocol ReportStream {
    mutating func begin(into sink: inout ReportSink)
    mutating func add(_ result: LintResult, into sink: inout ReportSink)
    /// `fleet`: the counts over every host of a fleet export (nil for a single run).
    mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink)
    /// Findings added but left out of the report by a document's limit.
    var heldBack: Int { get }
}

extension ReportStream {
    public mutating func begin(into sink: inout ReportSink) {}
    public var heldBack: Int { 0 }
}

/// `--format text`: findings, figures and a summary for a single run (or only findings with `--quiet`, or counts
/// per rule with `--statistics`); a heading per host and a table of hazards for a fleet.
public struct TextReportStream: ReportStream {
    public enum Content: Sendable { case full, findingsOnly, statistics }

    let reporter: TextReporter
    let content: Content
    let fleet: Bool

    public init(_ reporter: TextReporter, content: Content = .full, fleet: Bool = false) {
        self.reporter = reporter
        self.content = content
        self.fleet = fleet
    }

    public mutating func add(_ result: LintResult, into sink: inout ReportSink) {
        if fleet { return reporter.renderHost(result, into: &sink) }
        switch content {
        case .full: reporter.render(result, into: &sink)
        case .findingsOnly: reporter.writeLines(of: result.findings, into: &sink)
        case .statistics: sink.write(reporter.statistics(result.findings))
        }
    }

    public mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink) {
        if let fleet { sink.write(reporter.renderFleetSummary(fleet)) }
    }
}

/// `--format json`: one pretty document for a single run; for a fleet, the same top-level fields with every host's
/// findings written as the host is read (one finding per line).
public struct JSONReportStream: ReportStream {
    let toolVersion: String
    /// The inputs of a fleet run, for its document's `files`; nil for a single run.
    let fleetFiles: [String]?
    private var first = true

    public init(toolVersion: String, fleetFiles: [String]? = nil) {
        self.toolVersion = toolVersion
        self.fleetFiles = fleetFiles
    }

    public mutating func begin(into sink: inout ReportSink) {
        if let fleetFiles { sink.write(FleetJSONWriter().begin(toolVersion: toolVersion, files: fleetFiles)) }
    }

    public mutating func add(_ result: LintResult, into sink: inout ReportSink) {
        if fleetFiles != nil {
            FleetJSONWriter().host(result, first: &first, into: &sink)
        } else {
            JSONReporter().render(result, toolVersion: toolVersion, into: &sink)
        }
    }

    public mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink) {
        if fleetFiles != nil { sink.write(FleetJSONWriter().end(fleet ?? FleetSummary())) }
    }
}

/// `--format gcc`: one line per finding, nothing else.
public struct GCCReportStream: ReportStream {
    public init() {}

    public mutating func add(_ result: LintResult, into sink: inout ReportSink) {
        GCCReporter().render(result.findings, into: &sink)
    }

    public mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink) {}
}

/// `--format github`: a workflow command per finding, then the totals line (over every host for a fleet).
public struct GitHubReportStream: ReportStream {
    private var counts: [Severity: Int] = [:]

    public init() {}

    public mutating func add(_ result: LintResult, into sink: inout ReportSink) {
        GitHubReporter().annotations(result.findings, into: &sink)
        for finding in result.findings { counts[finding.severity, default: 0] += 1 }
    }

    public mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink) {
        sink.write(GitHubReporter().summary(fleet?.findings ?? counts))
    }
}

/// The formats that are one document: written at `end` from the findings held until then.
public struct DocumentReportStream: ReportStream {
    public enum Kind: Sendable { case sarif, gitlab, junit, checkstyle }

    let kind: Kind
    let rules: [Rule]
    let failLevel: Severity?
    let toolVersion: String
    let fleet: Bool
    private var files: [String]
    private var findings: [Finding] = []
    public private(set) var heldBack = 0

    /// `fleetFiles`: the inputs a fleet run read; a single run's come with its result.
    public init(_ kind: Kind, rules: [Rule], failLevel: Severity?, toolVersion: String, fleetFiles: [String]? = nil) {
        self.kind = kind
        self.rules = rules
        self.failLevel = failLevel
        self.toolVersion = toolVersion
        self.files = fleetFiles ?? []
        fleet = fleetFiles != nil
    }

    public mutating func add(_ result: LintResult, into sink: inout ReportSink) {
        if !fleet { files = result.files }
        let room = max(FindingLimit.perRun - findings.count, 0)
        findings += result.findings.prefix(room)
        heldBack += max(result.findings.count - room, 0)
    }

    public mutating func end(_ fleet: FleetSummary?, into sink: inout ReportSink) {
        switch kind {
        case .sarif: sink.write(SARIFReporter().render(findings, rules: rules, toolVersion: toolVersion))
        case .gitlab: sink.write(GitLabReporter().render(findings, fallbackPath: files.first))
        case .junit: sink.write(JUnitReporter(failLevel: failLevel).render(findings, files: files))
        case .checkstyle: sink.write(CheckstyleReporter().render(findings, files: files))
        }
    }
}
