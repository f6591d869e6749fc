import Foundation

/// The JSON report: a contract for other tools. Fields may be added, never renamed or removed.
/// `schema_version` 1 is documented in README.md.
public struct JSONReporter: Sendable {
    public static let schemaVersion = 1

    public init() {}

    public func render(_ result: LintResult, toolVersion: String) -> String {
        var sink = ReportSink()
        render(result, toolVersion: toolVersion, into: &sink)
        return sink.text
    }

    /// The report written as it is made: the findings one at a time into `sink`, never a document held whole.
    public func render(_ result: LintResult, toolVersion: String, into sink: inout ReportSink) {
        guard case .object(let members) = Self.topLevel(result, toolVersion: toolVersion) else { return }
        var writer = JSONWriter(pretty: true, reservingCapacity: ReportSink.chunkSize + ReportSink.chunkSize / 4)
        writer.bytes.append(contentsOf: "{\n".utf8)
        for (index, member) in JSONWriter.sorted(members).enumerated() {
            if index > 0 { writer.bytes.append(contentsOf: ",\n".utf8) }
            writer.bytes.append(contentsOf: "  ".utf8)
            writer.writeString(member.key)
            writer.bytes.append(contentsOf: " : ".utf8)
            guard member.key == "findings", !result.findings.isEmpty else {
                writer.write(member.value, indent: 1)
                continue
            }
            writer.bytes.append(contentsOf: "[\n".utf8)
            for (position, finding) in result.findings.enumerated() {
                if position > 0 { writer.bytes.append(contentsOf: ",\n".utf8) }
                writer.bytes.append(contentsOf: "    ".utf8)
                writer.writeFinding(finding, indent: 2)
                if writer.bytes.count >= ReportSink.chunkSize { writer.drain(into: &sink) }
            }
            writer.bytes.append(contentsOf: "\n  ]".utf8)
        }
        writer.bytes.append(contentsOf: "\n}\n".utf8)
        writer.drain(into: &sink)
    }

    /// Every top-level member; `findings` is an empty placeholder, which `render` writes one finding at a time.
    static func topLevel(_ result: LintResult, toolVersion: String) -> JSONValue {
        var report: JSONValue = [
            "schema_version": .int(Self.schemaVersion),
            "tool": ["name": "sysctl-lint", "version": .string(toolVersion)],
            "kernel": .string(result.kernel.description),
            "kernel_assumed": .bool(result.kernelAssumed),
            "kernel_source": .string(Self.kernelSource(result)),
            "evaluated_state": .string(result.evaluated.rawValue),
            "files": JSONValue(result.files),
            "findings": .array([]),
            "computed": Self.figures(result.figures),
            "summary": ["error": .int(result.count(.error)), "warning": .int(result.count(.warning)), "info": .int(result.count(.info))],
        ]
        if let host = result.host { report["host"] = .string(host) }
        if !result.units.isEmpty {
            report["units"] = .array(result.units.map { ["files": JSONValue($0.files), "computed": Self.figures($0.figures)] })
        }
        report["suppressed"] = .int(result.suppressed.count)
        if let baseline = result.baseline { report["baseline"] = ["matched": .int(baseline.matched), "fixed": .int(baseline.fixed)] }
        return report
    }

    /// Figures as the contract describes them.
    static func figures(_ figures: [ComputedFigure]) -> JSONValue {
        .array(figures.map { figure in
            var inputs: [(key: String, value: JSONValue)] = []
            for input in figure.inputs {
                var object: JSONValue = ["value": .string(input.value), "source": .string(input.source)]
                if !input.rejected.isEmpty {
                    object["rejected"] = .array(input.rejected.map { ["value": .string($0.value), "source": .string($0.source)] })
                }
                inputs.removeAll { $0.key == input.key }
                inputs.append((input.key, object))
            }
            var entry: JSONValue = [
                "name": .string(figure.name.rawValue), "value": .double(figure.value), "unit": .string(figure.unit),
                "formula": .string(figure.formula), "inputs": .object(inputs), "kind": .string(figure.kind.rawValue),
            ]
            if let schedule = figure.schedule { entry["schedule"] = .array(schedule.map(JSONValue.double)) }
            if !figure.giveUp.isEmpty {
                entry["give_up"] = .array(figure.giveUp.map {
                    ["rto_ms": .int($0.rtoMs), "seconds": .double($0.seconds), "retransmissions": .int($0.retransmissions)]
                })
            }
            if let note = figure.note { entry["note"] = .string(note) }
            return entry
        })
    }

    static func kernelSource(_ result: LintResult) -> String {
        result.kernelAssumed ? "assumed" : result.kernelFromSnapshot ? "snapshot" : result.kernelFromHost ? "running" : "option"
    }

    static func serialise(_ value: JSONValue, pretty: Bool) -> String {
        JSONWriter.string(value, pretty: pretty)
    }

    /// One finding as the contract describes it; `host` only for fleet exports.
    /// `{"status": "confirmed", "summary": …, "counters": {"TcpExtListenOverflows": {"since_boot": 12}}}`; a
    /// counter read twice also has `delta` and `interval_seconds`.
    static func object(_ evidence: FindingEvidence) -> JSONValue {
        var counters: [(key: String, value: JSONValue)] = []
        for reading in evidence.counters {
            var entry: JSONValue = ["since_boot": .int(Int(reading.sinceBoot))]
            if let delta = reading.delta { entry["delta"] = .int(Int(delta)) }
            if let interval = reading.interval { entry["interval_seconds"] = .double(interval) }
            counters.append((reading.name, entry))
        }
        return ["counters": .object(counters), "status": .string(evidence.status.rawValue), "summary": .string(evidence.summary)]
    }

    static func object(_ finding: Finding) -> JSONValue {
        // Built in the writer's key order, so that writing it needs no sort.
        var pairs: [(key: String, value: JSONValue)] = [("column", JSONValue(finding.location?.column))]
        pairs.reserveCapacity(12)
        if let evidence = finding.evidence { pairs.append(("evidence", Self.object(evidence))) }
        pairs += [
            ("file", JSONValue(finding.location?.file)),
            ("fix", JSONValue(finding.fix)),
        ]
        if let host = finding.host { pairs.append(("host", .string(host))) }
        pairs += [
            ("key", JSONValue(finding.key)),
            ("line", JSONValue(finding.location?.line)),
            ("message", .string(finding.message)),
            ("references", JSONValue(finding.references)),
            ("rule", .string(finding.rule)),
            ("severity", .string(finding.severity.rawValue)),
            ("value", JSONValue(finding.value)),
        ]
        return .object(pairs)
    }
}

/// The JSON report of a fleet export, written as hosts arrive so that memory does not grow with the fleet: the same
/// top-level fields as a single report, findings carrying `host`, plus `hosts` and `hazards` (rule, severity and
/// the number of hosts it appears on).
public struct FleetJSONWriter: Sendable {
    public init() {}

    public func begin(toolVersion: String, files: [String]) -> String {
        let tool = JSONReporter.serialise(["name": "sysctl-lint", "version": .string(toolVersion)], pretty: false)
        return "{\n\"schema_version\": \(JSONReporter.schemaVersion),\n\"tool\": \(tool),\n\"evaluated_state\": \"runtime\",\n\"files\": \(JSONReporter.serialise(JSONValue(files), pretty: false)),\n\"findings\": ["
    }

    /// The findings of one host; `first` tells whether a comma is needed before them.
    public func host(_ result: LintResult, first: inout Bool, into sink: inout ReportSink) {
        var writer = JSONWriter(pretty: false)
        for finding in result.findings {
            writer.bytes.append(contentsOf: (first ? "\n" : ",\n").utf8)
            writer.writeFinding(finding, indent: 0)
            first = false
            if writer.bytes.count >= ReportSink.chunkSize { writer.drain(into: &sink) }
        }
        writer.drain(into: &sink)
    }

    public func end(_ summary: FleetSummary) -> String {
        let hazards = JSONValue.array(summary.hazards.map { ["rule": .string($0.rule), "severity": .string($0.severity.rawValue), "hosts": .int($0.hosts)] })
        let counts: JSONValue = ["error": .int(summary.findings[.error] ?? 0), "warning": .int(summary.findings[.warning] ?? 0),
                                 "info": .int(summary.findings[.info] ?? 0)]
        return "\n],\n\"hosts\": \(summary.hosts),\n\"hazards\": \(JSONReporter.serialise(hazards, pretty: false)),\n\"summary\": \(JSONReporter.serialise(counts, pretty: false))\n}\n"
    }
}

