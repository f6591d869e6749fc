/// The human report: `file:line:column: severity: message [rule]` lines that editors jump to, a fix line under
/// each, then the computed figures as a table. Colour only when asked for (the CLI decides from the terminal).
public struct TextReporter: Sendable {
    public var color: Bool
    public var showSchedules: Bool

    public init(color: Bool = false, showSchedules: Bool = false) {
        self.color = color
        self.showSchedules = showSchedules
    }

    public func render(_ result: LintResult) -> String {
        var out = findingLines(result)
        if !result.findings.isEmpty { out += "\n" }
        out += "Computed for Linux \(result.kernel)\(kernelNote(result))\(stateNote(result)):\n"
        out += figureTable(result.figures)
        out += "\n" + summary(result) + "\n"
        return out
    }

    public func kernelNote(_ result: LintResult) -> String {
        result.kernelAssumed ? " (assumed: the newest the model knows; choose with --kernel)"
            : result.kernelFromSnapshot ? " (kernel.osrelease of the running state)" : ""
    }

    /// Says which state the figures describe, once running values are in play.
    public func stateNote(_ result: LintResult) -> String {
        guard let source = result.runtimeSource else { return "" }
        return result.evaluated == .runtime ? ", from the running values in \(source)" : ", from the configuration"
    }

    /// One host of a fleet: a heading, then its findings; figures are left out to keep fleet reports readable.
    public func renderHost(_ result: LintResult) -> String {
        guard !result.findings.isEmpty else { return "" }
        let counts = Severity.phrase(result.counts, skippingZero: true)
        return paint("== \(result.host ?? "host") (Linux \(result.kernel)): \(counts)", .bold) + "\n"
            + findingLines(result) + "\n"
    }

    /// Which hazards appear on how many hosts.
    public func renderFleetSummary(_ summary: FleetSummary) -> String {
        var out = "Hazards across \(summary.hosts) host\(summary.hosts == 1 ? "" : "s"):\n"
        let width = summary.hazards.map(\.rule.count).max() ?? 0
        for hazard in summary.hazards {
            out += "  \(hazard.rule.padding(width))  \(paint(hazard.severity.rawValue.padding(7), hazard.severity.style))  \(hazard.hosts) host\(hazard.hosts == 1 ? "" : "s")\n"
        }
        if summary.hazards.isEmpty { out += "  none\n" }
        return out + "\n\(summary.hosts) host\(summary.hosts == 1 ? "" : "s") checked: " + Severity.phrase(summary.findings) + "\n"
    }

    func findingLines(_ result: LintResult) -> String { findingLines(result.findings) }

    func findingLines(_ findings: [Finding]) -> String {
        var out = ""
        for finding in findings {
            var place = finding.location.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
            place = paint(place, .bold)
            let severity = paint(finding.severity.rawValue, finding.severity.style)
            out += "\(place)\(severity): \(finding.message) [\(finding.rule)]\n"
            if let fix = finding.fix { out += "    fix: \(fix)\n" }
        }
        return out
    }

    public func figureTable(_ figures: [ComputedFigure]) -> String {
        let rows = figures.map { figure -> (String, String, String, String) in
            let shown = figure.displayValue
            let set = figure.inputs.filter { $0.source != "default" }.map { "\($0.source)" }
            let origin = set.isEmpty ? "defaults" : "set at " + set.joined(separator: ", ")
            return (figure.name.rawValue, shown, figure.formula, origin)
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        var out = ""
        for (index, row) in rows.enumerated() {
            out += "  \(row.0.padding(nameWidth))  \(row.1.padding(valueWidth))  \(row.2)  (\(row.3))\n"
            if showSchedules, let schedule = figures[index].schedule, !schedule.isEmpty {
                let times = schedule.map { Format.number($0) }.joined(separator: ", ")
                out += "  \("".padding(nameWidth))  retransmissions at \(times) s\n"
            }
        }
        return out
    }

    func summary(_ result: LintResult) -> String {
        let files = result.files.count == 1 ? "1 file" : "\(result.files.count) files"
        var out = "\(files) checked: " + Severity.phrase(result.counts)
        if !result.suppressed.isEmpty { out += "; \(result.suppressed.count) suppressed inline" }
        if let baseline = result.baseline {
            out += "; \(baseline.matched) in the baseline"
            if baseline.fixed > 0 { out += ", \(baseline.fixed) baselined finding\(baseline.fixed == 1 ? "" : "s") no longer found (update it with --write-baseline)" }
        }
        return out
    }

    enum Style: String {
        case bold = "1", red = "31", yellow = "33", blue = "34"
    }

    func paint(_ text: String, _ style: Style) -> String {
        guard color, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }
}

extension Severity {
    var style: TextReporter.Style {
        switch self {
        case .error: .red
        case .warning: .yellow
        case .info: .blue
        }
    }
}

extension String {
    /// Pads with spaces to `width` characters, for aligned columns.
    public func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
