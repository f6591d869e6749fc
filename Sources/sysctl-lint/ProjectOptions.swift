import DataTree
import ArgumentParser
import Foundation
import SysctlLint

/// `--config`, `--no-config`: which `.sysctl-lint.yaml` applies.
struct ProjectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Project file to use (default: the nearest .sysctl-lint.yaml in the first input's folder or above, up to the repository root).", valueName: "file"))
    var config: String?

    @Flag(help: "Use no project file.")
    var noConfig = false

    func validate() throws {
        if config != nil && noConfig { throw ValidationError("--config and --no-config contradict each other; give one") }
    }

    /// The project file, if one applies; a broken one ends the run with status 2 and its position.
    func load(near input: String?) -> ProjectConfig? {
        if noConfig { return nil }
        let path: String
        if let config {
            path = config
        } else if let found = ProjectConfig.discover(from: input ?? ReportPaths.currentDirectory()) {
            if let problem = ProjectFileSafety.problem(with: found) {
                warn("not applying \(found): \(problem); pass --config \(found) to use it anyway")
                return nil
            }
            path = found
        } else {
            return nil
        }
        do {
            return try ProjectConfig.load(path: path)
        } catch {
            fail([error.description])
        }
    }
}

/// `--baseline`, `--write-baseline`: accept today's findings and fail only on new ones.
struct BaselineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Report only findings that are not in this baseline file, and say how many baselined ones are no longer found.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Record the current findings in this baseline file (keyed by file, rule, key and value, not by line) and report nothing that it holds.", valueName: "file"))
    var writeBaseline: String?

    /// Hides the findings the baseline holds (one run, or one host of a fleet).
    func compare(_ result: inout LintResult, with accepted: Baseline?) {
        guard let accepted, let path = baseline ?? writeBaseline else { return }
        let (new, outcome) = accepted.filter(result.findings, paths: Self.paths(for: path))
        result.findings = new
        result.baseline = outcome
    }

    /// The baseline that applies: the one read with --baseline, or none. --write-baseline is handled by `write`.
    func read() -> Baseline? {
        guard let baseline else { return nil }
        do { return try Baseline.read(path: baseline) } catch { fail([error.description]) }
    }

    /// Writes the baseline atomically (a reader never sees half a file) and says so on stderr.
    func write(_ findings: [Finding]) -> Baseline? {
        guard let writeBaseline else { return nil }
        let baseline = Baseline(findings: findings, paths: Self.paths(for: writeBaseline))
        if let problem = AtomicFile.write(baseline.encoded(), to: writeBaseline) {
            fail(["\(writeBaseline): cannot write the baseline: \(problem)"])
        }
        let count = baseline.findings.reduce(0) { $0 + $1.count }
        FileHandle.standardError.write(Data("sysctl-lint: wrote \(count) finding\(count == 1 ? "" : "s") to \(writeBaseline)\n".utf8))
        return baseline
    }

    /// Paths in a baseline are relative to its folder, so it works from any working directory.
    static func paths(for file: String) -> ReportPaths {
        ReportPaths(folderOf: file)
    }
}

/// `--select`, `--extend-select`, `--ignore`: rule selection on the command line, in ruff's manner, with the
/// project file's selector syntax (an id, a family ending at a dash, or `all`).
struct SelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Report only these rules (comma-separated ids or families; replaces the project file's select).", valueName: "rules"))
    var select: [String] = []

    @Option(help: ArgumentHelp("Report these rules in addition to the selected ones.", valueName: "rules"))
    var extendSelect: [String] = []

    @Option(help: ArgumentHelp("Do not report these rules (added to the project file's ignore).", valueName: "rules"))
    var ignore: [String] = []

    static func selectors(_ values: [String]) -> [RuleSelector] {
        values.flatMap { $0.split(separator: ",") }.map { RuleSelector(String($0).trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.text.isEmpty }
    }

    /// The project's policy with the command line's selection applied; a selector that names no rule ends the
    /// run with status 2, as in the project file.
    func policy(_ base: FindingPolicy, rules: [Rule]) -> FindingPolicy {
        var policy = base
        let ids = rules.map(\.id)
        let given = Self.selectors(select) + Self.selectors(extendSelect) + Self.selectors(ignore)
        for selector in given where !ids.contains(where: selector.matches) {
            let hint = Suggest.closest(to: selector.text, among: ids).map { " (did you mean '\($0)'?)" } ?? ""
            fail(["'\(selector.text)' names no rule\(hint); `sysctl-lint rules` lists them"])
        }
        if !select.isEmpty { policy.select = Self.selectors(select) }
        if !extendSelect.isEmpty, let selected = policy.select { policy.select = selected + Self.selectors(extendSelect) }
        policy.ignore += Self.selectors(ignore)
        return policy
    }
}
