import Foundation

/// The `diff` report in three forms: text for a terminal, Markdown for a pull-request comment, JSON for tools
/// (a contract like the check report: fields may be added, never renamed or removed).
public struct ChangeReviewReporter: Sendable {
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    static func shown(_ value: String?, default defaultValue: String?) -> String {
        guard let value else { return defaultValue.map { "not set (default \($0))" } ?? "not set (the kernel keeps its value)" }
        return value.isEmpty ? "\"\"" : value
    }

    static func shown(_ figure: ComputedFigure?) -> String { figure?.qualifiedValue ?? "not computed" }

    static func kernelLine(_ review: ChangeReview) -> String {
        "Linux \(review.kernel)" + (review.kernelAssumed ? " (assumed: the newest the model knows; choose with --kernel)" : "")
    }

    static func summary(_ review: ChangeReview) -> String {
        let introduced = Dictionary(grouping: review.introduced, by: \.severity).mapValues(\.count)
        var out = "\(review.values.count) value\(review.values.count == 1 ? "" : "s") changed, "
        out += "\(review.figures.count) figure\(review.figures.count == 1 ? "" : "s") changed, "
        out += "\(review.introduced.count) finding\(review.introduced.count == 1 ? "" : "s") introduced"
        if !review.introduced.isEmpty { out += " (\(Severity.phrase(introduced, skippingZero: true)))" }
        out += ", \(review.resolved.count) resolved, \(review.unchanged) unchanged"
        return out
    }

    public func text(_ review: ChangeReview, old: String, new: String) -> String {
        let review = review.forDisplay, old = DisplayText.escaped(old), new = DisplayText.escaped(new)
        let reporter = TextReporter(color: color)
        var out = "Changes from \(old) to \(new), for \(Self.kernelLine(review)):\n"
        out += "\nValues that change (\(review.values.count)):\n"
        if review.values.isEmpty { out += "  none\n" }
        let keyWidth = review.values.map(\.key.count).max() ?? 0
        for change in review.values {
            let arrow = "\(Self.shown(change.before, default: change.defaultValue)) → \(Self.shown(change.after, default: change.defaultValue))"
            let place = (change.afterLocation ?? change.beforeLocation).map { "  (\($0.file):\($0.line))" } ?? ""
            out += "  \(change.key.padding(keyWidth))  \(arrow)\(place)\n"
        }
        out += "\nFigures that change (\(review.figures.count)):\n"
        if review.figures.isEmpty { out += "  none\n" }
        let nameWidth = review.figures.map(\.name.rawValue.count).max() ?? 0
        for change in review.figures {
            out += "  \(change.name.rawValue.padding(nameWidth))  \(Self.shown(change.before)) → \(Self.shown(change.after))\n"
        }
        out += "\nFindings introduced (\(review.introduced.count)):\n"
        out += review.introduced.isEmpty ? "  none\n" : reporter.findingLines(review.introduced)
        out += "\nFindings resolved (\(review.resolved.count)):\n"
        out += review.resolved.isEmpty ? "  none\n" : reporter.findingLines(review.resolved)
        return out + "\n" + Self.summary(review) + "\n"
    }

    public func markdown(_ review: ChangeReview, old: String, new: String) -> String {
        let cell = MarkdownText.code, prose = MarkdownText.prose
        var out = "### sysctl-lint: \(Self.summary(review))\n\n"
        out += "From \(cell(old)) to \(cell(new)), for \(Self.kernelLine(review)).\n"
        if !review.values.isEmpty {
            out += "\n| Key | Before | After |\n|---|---|---|\n"
            for change in review.values {
                out += "| \(cell(change.key)) | \(prose(Self.shown(change.before, default: change.defaultValue))) | \(prose(Self.shown(change.after, default: change.defaultValue))) |\n"
            }
        }
        if !review.figures.isEmpty {
            out += "\n| Figure | Before | After | Meaning |\n|---|---|---|---|\n"
            for change in review.figures {
                out += "| \(cell(change.name.rawValue)) | \(Self.shown(change.before)) | **\(Self.shown(change.after))** | \(change.name.summary) |\n"
            }
        }
        for (title, findings) in [("Introduced", review.introduced), ("Resolved", review.resolved)] where !findings.isEmpty {
            out += "\n**\(title) findings (\(findings.count))**\n\n| Severity | Where | Rule | Finding |\n|---|---|---|---|\n"
            for finding in findings {
                let place = finding.location.map { "\($0.file):\($0.line)" } ?? ""
                var text = prose(finding.message)
                if let fix = finding.fix { text += "<br>*Fix:* " + prose(fix) }
                out += "| \(finding.severity.rawValue) | \(cell(place)) | \(cell(finding.rule)) | \(text) |\n"
            }
        }
        return out
    }

    public func json(_ review: ChangeReview, old: String, new: String, toolVersion: String) -> String {
        func place(_ location: SourceLocation?) -> JSONValue {
            JSONValue(location) { ["file": .string($0.file), "line": .int($0.line), "column": .int($0.column)] }
        }
        func figure(_ figure: ComputedFigure?) -> JSONValue {
            JSONValue(figure) {
                ["value": .double($0.value), "display": .string($0.displayValue), "formula": .string($0.formula), "kind": .string($0.kind.rawValue)]
            }
        }
        let report: JSONValue = [
            "schema_version": .int(JSONReporter.schemaVersion),
            "kind": "diff",
            "tool": ["name": "sysctl-lint", "version": .string(toolVersion)],
            "old": .string(old), "new": .string(new),
            "kernel": .string(review.kernel.description),
            "kernel_assumed": .bool(review.kernelAssumed),
            "values": .array(review.values.map { change -> JSONValue in
                ["key": .string(change.key), "before": JSONValue(change.before), "after": JSONValue(change.after),
                 "before_location": place(change.beforeLocation), "after_location": place(change.afterLocation),
                 "default": JSONValue(change.defaultValue)]
            }),
            "figures": .array(review.figures.map { change -> JSONValue in
                ["name": .string(change.name.rawValue), "unit": .string(change.name.unit), "before": figure(change.before), "after": figure(change.after)]
            }),
            "introduced": .array(review.introduced.map(JSONReporter.object)),
            "resolved": .array(review.resolved.map(JSONReporter.object)),
            "summary": [
                "values_changed": .int(review.values.count), "figures_changed": .int(review.figures.count),
                "introduced": .int(review.introduced.count), "resolved": .int(review.resolved.count), "unchanged": .int(review.unchanged),
            ],
        ]
        return JSONReporter.serialise(report, pretty: true) + "\n"
    }
}
