import Foundation

/// The JSON report: a contract for other tools. Fields may be added, never renamed or removed.
/// `schema_version` 1 is documented in README.md.
public struct JSONReporter: Sendable {
    public static let schemaVersion = 1

    public init() {}

    public func render(_ result: LintResult, toolVersion: String) -> String {
        let findings: [Any] = result.findings.map { finding in
            [
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
            ] as [String: Any]
        }
        let computed: [Any] = result.figures.map { figure in
            var inputs: [String: Any] = [:]
            for input in figure.inputs { inputs[input.key] = ["value": input.value, "source": input.source] }
            var entry: [String: Any] = [
                "name": figure.name.rawValue, "value": figure.value, "unit": figure.unit,
                "formula": figure.formula, "inputs": inputs,
            ]
            if let schedule = figure.schedule { entry["schedule"] = schedule }
            return entry
        }
        let report: [String: Any] = [
            "schema_version": Self.schemaVersion,
            "tool": ["name": "sysctl-lint", "version": toolVersion],
            "kernel": result.kernel.description,
            "kernel_assumed": result.kernelAssumed,
            "files": result.files,
            "findings": findings,
            "computed": computed,
            "summary": ["error": result.count(.error), "warning": result.count(.warning), "info": result.count(.info)],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
