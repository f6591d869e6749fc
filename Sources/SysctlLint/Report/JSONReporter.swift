import Foundation

/// The JSON report: a contract for other tools. Fields may be added, never renamed or removed.
/// `schema_version` 1 is documented in README.md.
public struct JSONReporter: Sendable {
    public static let schemaVersion = 1

    public init() {}

    public func render(_ result: LintResult, toolVersion: String) -> String {
        let findings: [Any] = result.findings.map(Self.object)
        let computed = Self.figures(result.figures)
        var report: [String: Any] = [
            "schema_version": Self.schemaVersion,
            "tool": ["name": "sysctl-lint", "version": toolVersion],
            "kernel": result.kernel.description,
            "kernel_assumed": result.kernelAssumed,
            "kernel_source": Self.kernelSource(result),
            "evaluated_state": result.evaluated.rawValue,
            "files": result.files,
            "findings": findings,
            "computed": computed,
            "summary": ["error": result.count(.error), "warning": result.count(.warning), "info": result.count(.info)],
        ]
        if let host = result.host { report["host"] = host }
        if !result.units.isEmpty {
            report["units"] = result.units.map { ["files": $0.files, "computed": Self.figures($0.figures)] as [String: Any] }
        }
        report["suppressed"] = result.suppressed.count
        if let baseline = result.baseline { report["baseline"] = ["matched": baseline.matched, "fixed": baseline.fixed] }
        return Self.serialise(report, pretty: true) + "\n"
    }

    /// Figures as the contract describes them.
    static func figures(_ figures: [ComputedFigure]) -> [Any] {
        figures.map { figure in
            var inputs: [String: Any] = [:]
            for input in figure.inputs {
                var object: [String: Any] = ["value": input.value, "source": input.source]
                if !input.rejected.isEmpty {
                    object["rejected"] = input.rejected.map { ["value": $0.value, "source": $0.source] }
                }
                inputs[input.key] = object
            }
            var entry: [String: Any] = [
                "name": figure.name.rawValue, "value": figure.value, "unit": figure.unit,
                "formula": figure.formula, "inputs": inputs, "kind": figure.kind.rawValue,
            ]
            if let schedule = figure.schedule { entry["schedule"] = schedule }
            if !figure.giveUp.isEmpty {
                entry["give_up"] = figure.giveUp.map {
                    ["rto_ms": $0.rtoMs, "seconds": $0.seconds, "retransmissions": $0.retransmissions] as [String: Any]
                }
            }
            if let note = figure.note { entry["note"] = note }
            return entry
        }
    }

    static func kernelSource(_ result: LintResult) -> String {
        result.kernelAssumed ? "assumed" : result.kernelFromSnapshot ? "snapshot" : result.kernelFromHost ? "running" : "option"
    }

    static func serialise(_ object: Any, pretty: Bool) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// One finding as the contract describes it; `host` only for fleet exports.
    static func object(_ finding: Finding) -> [String: Any] {
        var object: [String: Any] = [
            "rule": finding.rule,
            "severity": finding.severity.rawValue,
            "key": finding.key ?? NSNull(),
            "value": finding.value ?? NSNull(),
            "file": finding.location?.file ?? NSNull(),
            "line": finding.location?.line ?? NSNull(),
            "column": finding.location?.column ?? NSNull(),
            "message": finding.message,
            "fix": finding.fix ?? NSNull(),
            "references": finding.references,
        ]
        if let host = finding.host { object["host"] = host }
        return object
    }
}

/// The JSON report of a fleet export, written as hosts arrive so that memory does not grow with the fleet: the same
/// top-level fields as a single report, findings carrying `host`, plus `hosts` and `hazards` (rule, severity and
/// the number of hosts it appears on).
public struct FleetJSONWriter: Sendable {
    public init() {}

    public func begin(toolVersion: String, files: [String]) -> String {
        let tool = JSONReporter.serialise(["name": "sysctl-lint", "version": toolVersion], pretty: false)
        return "{\n\"schema_version\": \(JSONReporter.schemaVersion),\n\"tool\": \(tool),\n\"evaluated_state\": \"runtime\",\n\"files\": \(JSONReporter.serialise(files, pretty: false)),\n\"findings\": ["
    }

    /// The findings of one host; `first` tells whether a comma is needed before them.
    public func host(_ result: LintResult, first: inout Bool) -> String {
        var out = ""
        for finding in result.findings {
            out += (first ? "\n" : ",\n") + JSONReporter.serialise(JSONReporter.object(finding), pretty: false)
            first = false
        }
        return out
    }

    public func end(_ summary: FleetSummary) -> String {
        let hazards = summary.hazards.map { ["rule": $0.rule, "severity": $0.severity.rawValue, "hosts": $0.hosts] as [String: Any] }
        let counts: [String: Any] = ["error": summary.findings[.error] ?? 0, "warning": summary.findings[.warning] ?? 0,
                                     "info": summary.findings[.info] ?? 0]
        return "\n],\n\"hosts\": \(summary.hosts),\n\"hazards\": \(JSONReporter.serialise(hazards, pretty: false)),\n\"summary\": \(JSONReporter.serialise(counts, pretty: false))\n}\n"
    }
}

