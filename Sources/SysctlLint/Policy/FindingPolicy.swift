import Foundation

/// A project's choices applied to a run's findings: which rules report (select, ignore, per-path ignores) and
/// with which severity. Applied after inline suppressions, so a directive for a rule the project ignores still
/// counts as used.
public struct FindingPolicy: Sendable {
    public var select: [RuleSelector]?
    public var ignore: [RuleSelector] = []
    public var perPathIgnores: [(pattern: String, rules: [RuleSelector])] = []
    public var severity: [(rule: RuleSelector, severity: Severity)] = []
    /// Paths in per-path patterns are relative to this folder (the project file's).
    public var paths = ReportPaths()

    public init() {}

    public init(_ config: ProjectConfig) {
        select = config.select
        ignore = config.ignore
        perPathIgnores = config.perPathIgnores
        severity = config.severity
        paths = ReportPaths(folderOf: config.file)
    }

    public var isEmpty: Bool { select == nil && ignore.isEmpty && perPathIgnores.isEmpty && severity.isEmpty }

    public func apply(_ findings: [Finding]) -> [Finding] {
        guard !isEmpty else { return findings }
        // Patterns are split once, and matched once per file rather than once per finding.
        let patterns = perPathIgnores.map { PathPattern.Compiled($0.pattern) }
        var matchingEntries: [String: [Int]] = [:]
        return findings.compactMap { finding in
            if let select, !select.contains(where: { $0.matches(finding.rule) }) { return nil }
            if ignore.contains(where: { $0.matches(finding.rule) }) { return nil }
            if let file = finding.location?.file, !perPathIgnores.isEmpty {
                let entries = matchingEntries[file] ?? {
                    let relative = PathPattern.segments(paths.relative(file))
                    let found = patterns.indices.filter { patterns[$0].matches(segments: relative) }
                    matchingEntries[file] = found
                    return found
                }()
                for index in entries where perPathIgnores[index].rules.contains(where: { $0.matches(finding.rule) }) {
                    return nil
                }
            }
            var finding = finding
            // The last matching entry wins, so a specific rule can follow a family.
            if let override = severity.last(where: { $0.rule.matches(finding.rule) }) { finding.severity = override.severity }
            return finding
        }
    }
}
