/// The human report: `file:line:column: severity: message [rule]` lines that editors jump to, a fix line under
/// each, then the computed figures as a table. Colour only when asked for (the CLI decides from the terminal).
public struct TextReporter: Sendable {
    public var color: Bool
    public var showSchedules: Bool
    /// Every figure, not only those the input changes from the kernel's defaults.
    public var showAllFigures: Bool
    /// The terminal's width: figure rows wrap to it. Finding lines never wrap (editors and grep read them whole).
    public var width: Int?

    public init(color: Bool = false, showSchedules: Bool = false, showAllFigures: Bool = false) {
        self.color = color
        self.showSchedules = showSchedules
        self.showAllFigures = showAllFigures
    }

    public func render(_ result: LintResult) -> String {
        var sink = ReportSink()
        render(result, into: &sink)
        return sink.text
    }

    /// The report written as it is made: findings first (each escaped as it is written), then figures and summary.
    public func render(_ result: LintResult, into sink: inout ReportSink) {
        writeLines(of: result.findings, into: &sink)
        if !result.findings.isEmpty { sink.write("\n") }
        sink.write(afterFindings(result.forDisplay(includingFindings: false)))
    }

    /// The figures and the summary line.
    private func afterFindings(_ result: LintResult) -> String {
        var out = ""
        let kernel = "Linux \(result.kernel)\(kernelNote(result))\(stateNote(result))"
        if result.units.isEmpty {
            out += figureSection(result.figures, heading: "Computed for \(kernel)", kernel: kernel)
        } else {
            var sections = ""
            for unit in result.units where showAllFigures || unit.figures.contains(where: \.isChanged) {
                let files = unit.files.count == 1 ? unit.files[0] : unit.files.joined(separator: ", ")
                sections += figureSection(unit.figures, heading: "Computed for \(files) on \(kernel)", kernel: kernel) + "\n"
            }
            out += sections.isEmpty ? noChange(kernel) : String(sections.dropLast())
        }
        out += "\n" + summary(result) + "\n"
        return out
    }

    /// The figures a configuration changes (all with showAllFigures), under a heading; one line when none changes.
    func figureSection(_ figures: [ComputedFigure], heading: String, kernel: String) -> String {
        let shown = showAllFigures ? figures : figures.filter(\.isChanged)
        guard !shown.isEmpty else { return noChange(kernel) }
        return heading + ":\n" + figureTable(shown)
    }

    func noChange(_ kernel: String) -> String {
        "No computed figure differs from the defaults of \(kernel); --all-figures lists them.\n"
    }

    public func kernelNote(_ result: LintResult) -> String {
        let source = result.kernelAssumed ? " (assumed: the newest the model knows; choose with --kernel)"
            : result.kernelFromSnapshot ? " (kernel.osrelease of the running state)"
            : result.kernelFromHost ? " (the kernel this machine runs)" : ""
        return source + Self.beyondModel(result.kernel)
    }

    /// A target newer than the model's facts: said, since later releases may have changed what the model knows.
    static func beyondModel(_ kernel: KernelVersion) -> String {
        let newest = ParameterCatalogue.newestKnownKernel
        guard KernelVersion(kernel.major, kernel.minor) > newest else { return "" }
        return "; the model's facts stop at Linux \(newest)"
    }

    /// Says which state the figures describe, once running values are in play.
    public func stateNote(_ result: LintResult) -> String {
        guard let source = result.runtimeSource else { return "" }
        return result.evaluated == .runtime ? ", from the running values in \(source)" : ", from the configuration"
    }

    /// One host of a fleet: a heading, then its findings; figures are left out to keep fleet reports readable.
    public func renderHost(_ result: LintResult, into sink: inout ReportSink) {
        guard !result.findings.isEmpty else { return }
        let counts = Severity.phrase(result.counts, skippingZero: true)
        sink.write(paint("== \(DisplayText.escaped(result.host) ?? "host") (Linux \(result.kernel)): \(counts)", .bold) + "\n")
        writeLines(of: result.findings, into: &sink)
        sink.write("\n")
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


    /// Findings per rule, most frequent first (`--statistics`).
    public func statistics(_ findings: [Finding]) -> String {
        let counts = Dictionary(grouping: findings, by: \.rule).map { (rule: $0.key, count: $0.value.count, severity: $0.value[0].severity) }
            .sorted { ($0.count, $1.rule) > ($1.count, $0.rule) }
        let width = String(counts.first?.count ?? 0).count
        let ruleWidth = counts.map(\.rule.count).max() ?? 0
        var out = ""
        for entry in counts {
            let count = String(entry.count)
            out += String(repeating: " ", count: width - count.count) + count + "  " + entry.rule.padding(ruleWidth)
                + "  " + paint(entry.severity.rawValue, entry.severity.style) + "\n"
        }
        return out + "\(findings.count) finding\(findings.count == 1 ? "" : "s")\n"
    }

    public func findingLines(_ findings: [Finding]) -> String {
        var sink = ReportSink()
        writeLines(of: findings, into: &sink)
        return sink.text
    }

    /// One line per finding (a fix and evidence line under it), with what came from input escaped as it is written.
    public func writeLines(of findings: [Finding], into sink: inout ReportSink) {
        // Written piece by piece: a line string per finding was a tenth of a large report's time. Findings come in
        // runs of one file, rule and fix: the text around each (`path:`, ` [rule]`, the fix line) is made once per
        // run (runs compared by bytes, as they are shown), and the severity with its colons once per report.
        // Plain locals, not optional tuples: reading a field out of an optional tuple copied the tuple, a reference
        // counted for each of its strings on every finding.
        var shownFile = "", shownPath = "", hasShown = false
        var tailRule = "", tailText = "", hasTail = false
        var fixText = "", fixLineText = "", hasFix = false
        func between(_ severity: Severity) -> String { ": " + paint(severity.rawValue, severity.style) + ": " }
        let severities = (info: between(.info), warning: between(.warning), error: between(.error))
        for finding in findings {
            if let location = finding.location {
                if !hasShown || !UTF8Text.sameBytes(shownFile, location.file) {
                    (shownFile, shownPath, hasShown) = (location.file, DisplayText.path(location.file), true)
                }
                if color {
                    sink.write(paint("\(shownPath):\(location.line):\(location.column): ", .bold))
                    sink.write(paint(finding.severity.rawValue, finding.severity.style) + ": ")
                } else {
                    sink.append(shownPath)
                    sink.append(":")
                    sink.appendDecimal(location.line)
                    sink.append(":")
                    sink.appendDecimal(location.column)
                    switch finding.severity {
                    case .info: sink.append(severities.info)
                    case .warning: sink.append(severities.warning)
                    case .error: sink.append(severities.error)
                    }
                }
            } else {
                sink.write(paint(finding.severity.rawValue, finding.severity.style) + ": ")
            }
            sink.appendEscaped(finding.message)
            if !hasTail || !UTF8Text.sameBytes(tailRule, finding.rule) {
                (tailRule, tailText, hasTail) = (finding.rule, " [" + finding.rule + "]\n", true)
            }
            sink.append(tailText)
            if let fix = finding.fix {
                if !hasFix || !UTF8Text.sameBytes(fixText, fix) {
                    (fixText, fixLineText, hasFix) = (fix, "    fix: " + DisplayText.escaped(fix) + "\n", true)
                }
                sink.append(fixLineText)
            }
            if let evidence = finding.evidence { sink.write("    evidence: \(evidence.status.phrase): \(DisplayText.escaped(evidence.summary))\n") }
            sink.flushIfFull()
        }
    }

    public func figureTable(_ figures: [ComputedFigure]) -> String {
        let rows = figures.map { figure -> (String, String, String, String) in
            (figure.name.rawValue, figure.qualifiedValue, figure.formula + Self.giveUpText(figure), Self.origin(figure.inputs))
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        var out = ""
        for (index, row) in rows.enumerated() {
            let lead = "  \(row.0.padding(nameWidth))  \(row.1.padding(valueWidth))  "
            out += lead + Self.wrap("\(row.2)  (\(row.3))", indent: lead.count, width: width) + "\n"
            if showSchedules, let schedule = figures[index].schedule, !schedule.isEmpty {
                out += "  \("".padding(nameWidth))  \(Self.scheduleText(figures[index], schedule))\n"
            }
        }
        return out
    }

    /// Words of `text` on lines of at most `width` characters, later lines indented to `indent`.
    static func wrap(_ text: String, indent: Int, width: Int?) -> String {
        guard let width, width - indent >= 20, text.count + indent > width else { return text }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width - indent {
                lines.append(line)
                line = String(word)
            } else {
                line += line.isEmpty ? String(word) : " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }

    /// "; gives up at about 6.2s (RTO 200 ms) or 7s (RTO 1 s)": when a budget really ends.
    static func giveUpText(_ figure: ComputedFigure) -> String {
        guard figure.kind == .lowerBound, !figure.giveUp.isEmpty else { return "" }
        let times = figure.giveUp.map { "\(Format.duration(seconds: $0.seconds)) (RTO \(rto($0.rtoMs)))" }
        return "; gives up at about " + times.joined(separator: " or ")
    }

    static func rto(_ milliseconds: Int) -> String {
        milliseconds < 1000 ? "\(milliseconds) ms" : "\(TimeoutModel.seconds(milliseconds)) s"
    }

    /// Retransmission times, then the give-up point, which is not a retransmission.
    static func scheduleText(_ figure: ComputedFigure, _ schedule: [Double]) -> String {
        var text = "retransmissions at " + schedule.map { Format.number($0) }.joined(separator: ", ") + " s"
        if let first = figure.giveUp.first {
            let more = first.retransmissions - schedule.count
            if more > 0 { text += " and \(more) more" }
            text += "; gives up at \(Format.number(first.seconds)) s (RTO \(rto(first.rtoMs)))"
        }
        return text
    }

    /// Where the inputs came from: "defaults", or the lines that set them; a refused write says what the kernel kept.
    static func origin(_ inputs: [ComputedFigure.Input]) -> String {
        let set = inputs.filter { $0.source != "default" }.map(\.source)
        let refused = inputs.flatMap { input in
            input.rejected.map { "\($0.source) rejected, \(input.source == "default" ? "the default \(input.value)" : input.value) kept" }
        }
        let parts = (set.isEmpty ? [] : ["set at " + set.joined(separator: ", ")]) + refused
        return parts.isEmpty ? "defaults" : parts.joined(separator: "; ")
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
