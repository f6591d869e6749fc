import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint diff OLD NEW`: what a change does before it ships.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Review a change: values and computed figures that change, findings introduced and resolved.",
        discussion: """
            OLD and NEW are files, sysctl.d folders, or with --root two filesystem roots. /dev/null stands for \
            "no configuration", so git difftool works for added and deleted files: \
            git difftool -x 'sysctl-lint diff' -- '*.conf'. \
            Exit status: 1 when an introduced finding reaches the fail level (findings the change keeps or \
            resolves do not count), 2 for usage errors and unreadable input.
            """)

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, json, markdown
    }

    @Argument(help: ArgumentHelp("The configuration before the change.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The configuration after the change.", valueName: "new"))
    var new: String

    @Flag(help: "OLD and NEW are filesystem roots, loaded as the boot-time loader would (as with check --root).")
    var root = false

    @Option(help: "Whose rules decide which files of a tree apply: systemd (the default) or procps.")
    var loader: LoaderKind?

    @Option(help: ArgumentHelp("Target kernel version (default: the project file's, else the newest the model knows).", valueName: "version"))
    var kernel: KernelVersion?

    @Option(help: "Output format: text, json, or markdown (for a pull-request comment).")
    var format: Format = .text

    @Option(help: "Exit 1 when an introduced finding has this severity or worse: error, warning, info or none (default: the project file's fail-level, else warning).")
    var failLevel: FailLevel?

    @Option(help: "Colour in text output: auto, always or never.")
    var color: ColorChoice = .auto

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var project: ProjectOptions

    func run() throws {
        let projectConfig = project.load(near: new == "/dev/null" ? old : new)
        let linter = Linter(knowledge: try ruleOptions.knowledge(project: projectConfig))
        let loaderKind = loader ?? projectConfig?.loader ?? .systemd
        var review = ChangeReview(old: side(old, loader: loaderKind), new: side(new, loader: loaderKind), linter: linter,
                                  kernel: kernel ?? projectConfig?.kernel,
                                  policy: projectConfig.map(FindingPolicy.init) ?? FindingPolicy())
        // A review is read by people (often as a pull-request comment): bounded like a report, and the exit status
        // still sees what was cut.
        let worstIntroduced = review.worstIntroduced
        let limit = FindingLimit.perRun / 10
        let cut = max(0, review.introduced.count - limit) + max(0, review.resolved.count - limit) + max(0, review.values.count - limit)
        if cut > 0 {
            review.introduced = Array(review.introduced.prefix(limit))
            review.resolved = Array(review.resolved.prefix(limit))
            review.values = Array(review.values.prefix(limit))
            warn("\(cut) more changed values and findings were not listed: a review lists at most \(limit) of each (the exit status still counts them)")
        }
        let reporter = ChangeReviewReporter(color: format == .text && useColor(color))
        switch format {
        case .text: emit(reporter.text(review, old: old, new: new))
        case .markdown: emit(reporter.markdown(review, old: old, new: new))
        case .json: print(reporter.json(review, old: old, new: new, toolVersion: SysctlLintVersion.current), terminator: "")
        }
        if let threshold = (failLevel ?? projectConfig?.failLevel ?? .warning).threshold,
           let worst = worstIntroduced, worst >= threshold {
            throw ExitCode(1)
        }
    }

    /// One side, read as `check` would read it; unreadable input ends the run with status 2.
    private func side(_ path: String, loader: LoaderKind) -> ChangeReview.Side {
        if path == "/dev/null" { return ChangeReview.Side(files: [], base: nil) }
        do {
            if root {
                let tree = try InputOptions.tree(at: path, loader: loader)
                return ChangeReview.Side(files: tree.files, findings: tree.findings, base: path)
            }
            var isDirectory: ObjCBool = false
            let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            // A Kubernetes, Compose or Ansible file is read as `check` reads it; its workloads form one side.
            let files = try InputReader().read(path).flatMap { isFolder ? [ConfigParser().parse($0)] : ConfigSources().parse($0) }
            return ChangeReview.Side(files: files, base: isFolder ? path : nil)
        } catch {
            fail([error.description])
        }
    }
}
