import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint [check] FILE...`: the main job.
struct Check: ParsableCommand {
    // Every command names itself: a derived name is demangled from the type on every run (a fifth of argument
    // parsing, since each file argument is compared with every command's name).
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check sysctl files, trees and running values (the default command).")

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var project: ProjectOptions
    @OptionGroup var baselines: BaselineOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output format: text, json, gcc, github, sarif, gitlab, junit or checkstyle (default: github inside GitHub Actions, where GITHUB_ACTIONS=true; text elsewhere).")
    var format: OutputFormat?

    @Option(help: "Exit 1 when a finding has this severity or worse: error, warning, info or none (default: the project file's fail-level, else warning).")
    var failLevel: FailLevel?

    @Option(help: "Colour in text output: auto (only on a terminal, honouring NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Show the retransmission schedule under the retry-based figures (text format).")
    var schedule = false

    @Flag(help: "List every computed figure, not only those the input changes from the kernel's defaults (text format).")
    var allFigures = false

    @Flag(name: .shortAndLong, help: "Print the findings and nothing else: no figures, no summary (text format).")
    var quiet = false

    @Flag(help: "Print how many findings each rule produced instead of the findings (text format).")
    var statistics = false

    @Option(help: ArgumentHelp("Write the report to this file (replaced when the run ends) instead of standard output.", valueName: "file"))
    var outputFile: String?

    @Flag(help: "Show no progress on standard error during long runs (fleets); progress is shown only on a terminal.")
    var noProgress = false

    @Option(help: ArgumentHelp("Saved socket evidence from the checked host (see `sockets --evidence`): findings that counters or sockets can prove or clear carry an evidence field. With --live, this host's own is read.", valueName: "path"))
    var evidence: String?

    @Option(help: ArgumentHelp("With --live: read the counters twice, this many seconds apart, so evidence speaks of rates rather than totals since boot.", valueName: "seconds"))
    var interval: Double?

    func validate() throws {
        if let interval {
            guard input.live else { throw ValidationError("--interval measures this host's counters: give it with --live") }
            guard interval > 0 && interval <= 3600 else { throw ValidationError("--interval takes seconds from above 0 up to 3600") }
        }
    }

    func run() throws {
        let projectConfig = project.load(near: input.firstInput)
        let linter = Linter(knowledge: try ruleOptions.knowledge(project: projectConfig))
        ProcessLifetime.keep(linter)
        let policy = selection.policy(projectConfig.map(FindingPolicy.init) ?? FindingPolicy(), rules: linter.knowledge.rules)
        let output = ReportOutput(path: outputFile, inputs: input.files + [input.snapshot].compactMap { $0 })
        let format = OutputFormat.chosen(self.format)
        var sink = ReportSink(to: output)
        sink.neutralizesCommands = [.text, .gcc].contains(format)
        let threshold = (failLevel ?? projectConfig?.failLevel ?? .warning).threshold
        let runtime = input.runtime()
        let worst: Severity?
        if let runtime, runtime.isFleet {
            let config = input.configuration(project: projectConfig)
            var stream = reportStream(format, linter: linter, threshold: threshold,
                                      fleetFiles: config.files.map(\.path) + [input.snapshot ?? ""])
            worst = reportFleet(runtime, config: config, linter: linter, project: projectConfig, policy: policy,
                                stream: &stream, sink: &sink)
            if baselines.writeBaseline != nil {
                output.finish()  // the baseline is the output
                return
            }
        } else {
            var stream = reportStream(format, linter: linter, threshold: threshold, fleetFiles: nil)
            worst = reportSingle(runtime?.next(), linter: linter, project: projectConfig, policy: policy, stream: &stream, sink: &sink)
        }
        sink.flush()
        output.finish()
        try exit(for: worst, threshold: threshold)
    }

    /// The report of the chosen format, written as results arrive (see `ReportStream`).
    private func reportStream(_ format: OutputFormat, linter: Linter, threshold: Severity?, fleetFiles: [String]?) -> any ReportStream {
        let version = SysctlLintVersion.current
        func document(_ kind: DocumentReportStream.Kind) -> any ReportStream {
            DocumentReportStream(kind, rules: linter.knowledge.rules, failLevel: threshold, toolVersion: version, fleetFiles: fleetFiles)
        }
        switch format {
        case .sarif: return document(.sarif)
        case .gitlab: return document(.gitlab)
        case .junit: return document(.junit)
        case .checkstyle: return document(.checkstyle)
        case .json: return JSONReportStream(toolVersion: version, fleetFiles: fleetFiles)
        case .gcc: return GCCReportStream()
        case .github: return GitHubReportStream()
        case .text:
            var reporter = TextReporter(color: outputFile == nil && useColor(color), showSchedules: schedule, showAllFigures: allFigures)
            if outputFile == nil && fleetFiles == nil { reporter.width = terminalWidth() }
            return TextReportStream(reporter, content: statistics ? .statistics : quiet ? .findingsOnly : .full, fleet: fleetFiles != nil)
        }
    }

    /// Configuration files (and running values, if any) as one result: returns the worst severity, counting the
    /// findings the report leaves out.
    private func reportSingle(_ running: RuntimeSnapshot?, linter: Linter, project: ProjectConfig?, policy: FindingPolicy,
                              stream: inout any ReportStream, sink: inout ReportSink) -> Severity? {
        let results = input.units(project: project).map { unit in
            var request = input.request(config: unit, runtime: running, project: project)
            request.keepsWorkUntilExit = true  // one lint, then exit
            return linter.lint(request)
        }
        ProcessLifetime.keep(results)
        guard var result = LintResult.combining(results) else {
            fail(["nothing to check"])
        }
        result.findings = policy.apply(result.findings)
        if let evidence {
            do throws(InputProblem) {
                result.findings = EvidenceCatalogue.attach(to: result.findings, from: try EvidenceCollector.saved(evidence))
            } catch {
                fail([error.description])
            }
        } else if input.live {
            result.findings = EvidenceCatalogue.attach(to: result.findings, from: EvidenceCollector.live(interval: interval, processes: false))
        }
        baselines.compare(&result, with: baselines.write(result.findings) ?? baselines.read())
        let (kept, omitted, worst) = FindingLimit.apply(result.findings)
        result.findings = kept
        if omitted > 0 { warn(FindingLimit.message(omitted: omitted)) }
        stream.begin(into: &sink)
        stream.add(result, into: &sink)
        stream.end(nil, into: &sink)
        ProcessLifetime.keep(result)
        return worst
    }

    /// One host at a time: each host's findings are reported as soon as they are known, and only counts are kept
    /// (whole-document formats keep the findings until the end, up to the limit of a single run). Returns the
    /// worst severity over the fleet. With --write-baseline it writes the baseline and no report.
    private func reportFleet(_ hosts: SnapshotStream, config: (files: [ParsedFile], findings: [Finding]), linter: Linter,
                             project: ProjectConfig?, policy: FindingPolicy,
                             stream: inout any ReportStream, sink: inout ReportSink) -> Severity? {
        if evidence != nil { warn("--evidence describes one host; it is not applied to the hosts of a fleet export") }
        var summary = FleetSummary()
        var collected: [Finding] = []
        var baselineOverflow = 0, cutPerHost = 0
        let accepted = baselines.read()
        let progress = Progress(enabled: !noProgress && isatty(STDERR_FILENO) != 0)
        defer { progress.finish() }
        if baselines.writeBaseline == nil { stream.begin(into: &sink) }
        // The options are read once: through their property wrappers, every host paid for reading them again.
        var template = input.request(config: config, runtime: nil, project: project)
        template.reportsFigures = false  // a fleet report shows findings only
        let writesBaseline = baselines.writeBaseline != nil
        var memo = FleetLintMemo(linter)  // hosts of one state are linted once
        while let snapshot = hosts.next() {
            progress.tick()
            var request = template
            request.runtime = snapshot
            var result = memo.lint(request)
            result.findings = policy.apply(result.findings)
            if writesBaseline {
                let room = max(FindingLimit.perRun - collected.count, 0)
                if result.findings.count > room { baselineOverflow += result.findings.count - room }
                collected += result.findings.prefix(room)
                continue
            }
            baselines.compare(&result, with: accepted)
            summary.add(result)  // counts every finding, so the summary and the exit status see the ones cut below
            // A host is held in memory while it is reported, so it gets the limit of a whole single run.
            let (kept, omitted, _) = FindingLimit.apply(result.findings)
            if omitted > 0 {
                warn("\(DisplayText.escaped(snapshot.host ?? snapshot.source)): " + FindingLimit.message(omitted: omitted))
                result.findings = kept
                cutPerHost += omitted
            }
            stream.add(result, into: &sink)
        }
        if baselines.writeBaseline != nil {
            if baselineOverflow > 0 {
                warn("the baseline holds the first \(FindingLimit.perRun) findings of the fleet; \(baselineOverflow) more were left out and will be reported as new")
            }
            _ = baselines.write(collected)  // every finding is now accepted: nothing new to report
            return nil
        }
        stream.end(summary, into: &sink)
        // A document holds at most a single run's findings: say how many of the fleet's it leaves out.
        if stream is DocumentReportStream, cutPerHost + stream.heldBack > 0 {
            warn(FindingLimit.message(omitted: cutPerHost + stream.heldBack))
        }
        return summary.worstSeverity
    }

    private func exit(for worst: Severity?, threshold: Severity?) throws {
        if let threshold, let worst, worst >= threshold {
            throw ExitCode(1)
        }
    }
}

/// `sysctl-lint timeouts FILE...`: the computed figures with their retransmission schedules.
struct Timeouts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeouts",
        abstract: "Show the timeouts and limits the files yield, with retransmission schedules.")

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var project: ProjectOptions

    func run() throws {
        let projectConfig = project.load(near: input.firstInput)
        let linter = Linter(knowledge: try ruleOptions.knowledge(project: projectConfig))
        let result = linter.lint(input.request(config: input.configuration(project: projectConfig),
                                               runtime: input.runtime()?.next(), project: projectConfig)).forDisplay
        let reporter = TextReporter(color: false, showSchedules: true)
        emit("Computed for Linux \(result.kernel)\(reporter.kernelNote(result))\(reporter.stateNote(result)):\n")
        emit(reporter.figureTable(result.figures))
    }
}

/// "1200 hosts read" on standard error, rewritten in place at most ten times a second, only on a terminal: a pipe
/// or a CI log never sees it.
final class Progress {
    private let enabled: Bool
    private var count = 0
    private var shown = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func tick() {
        count += 1
        guard enabled, Date().timeIntervalSince(shown) >= 0.1 else { return }
        shown = Date()
        FileHandle.standardError.write(Data("\r\u{1B}[K\(count) host\(count == 1 ? "" : "s") read".utf8))
    }

    func finish() {
        guard enabled, shown != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
