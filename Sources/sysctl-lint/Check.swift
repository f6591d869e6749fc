import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint [check] FILE...`: the main job.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check sysctl files (the default command).")

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: "Output format.")
    var format: OutputFormat = .text

    @Option(help: "Exit 1 when a finding has this severity or worse.")
    var failLevel: FailLevel = .warning

    @Option(help: "Colour in text output: auto (only on a terminal, honouring NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Show the retransmission schedule under the retry-based figures (text format).")
    var schedule = false

    func run() throws {
        let knowledge = try ruleOptions.knowledge()
        let result = Linter(knowledge: knowledge).lint(try input.sources(), kernel: input.kernel)
        switch format {
        case .text:
            print(TextReporter(color: useColor(color), showSchedules: schedule).render(result), terminator: "")
        case .json:
            print(JSONReporter().render(result, toolVersion: SysctlLintVersion.current), terminator: "")
        }
        if let threshold = failLevel.threshold, let worst = result.worstSeverity, worst >= threshold {
            throw ExitCode(1)
        }
    }
}

/// `sysctl-lint timeouts FILE...`: the computed figures with their retransmission schedules.
struct Timeouts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the timeouts and limits the files yield, with retransmission schedules.")

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    func run() throws {
        let knowledge = try ruleOptions.knowledge()
        let result = Linter(knowledge: knowledge).lint(try input.sources(), kernel: input.kernel)
        let reporter = TextReporter(color: false, showSchedules: true)
        let kernelNote = result.kernelAssumed ? " (assumed; choose with --kernel)" : ""
        print("Computed for Linux \(result.kernel)\(kernelNote):")
        print(reporter.figureTable(result.figures), terminator: "")
    }
}
