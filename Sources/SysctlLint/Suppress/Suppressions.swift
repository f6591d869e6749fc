import DataTree
/// Applies the inline directives of parsed files to a run's findings: drops what they suppress, and reports the
/// directives themselves when they are malformed, give no reason, name an unknown rule or suppress nothing, so a
/// suppression can never silently outlive the finding it was written for.
public struct Suppressions: Sendable {
    /// Findings left (including those about the directives themselves), and findings suppressed.
    public struct Outcome: Sendable {
        public var kept: [Finding]
        public var suppressed: [Finding]
    }

    private struct Entry {
        var directive: SuppressionDirective
        var file: String
        /// The line a `disable=` directive speaks about; nil for `disable-file=`, or when no setting follows.
        var target: Int?
        var used: Set<String> = []
    }

    private var entries: [Entry] = []
    private var problems: [Finding] = []
    /// Ids that findings may carry: the rules in force.
    private let knownRules: Set<String>

    public init(files: [ParsedFile], knownRules: Set<String>) {
        self.knownRules = knownRules
        for file in files where file.origin == .config {
            collect(file)
        }
    }

    private mutating func collect(_ file: ParsedFile) {
        var commentLines = Set<Int>()
        var directives: [SuppressionDirective] = []
        for statement in file.statements {
            guard case .comment(let comment) = statement else { continue }
            commentLines.insert(comment.location.line)
            switch SuppressionDirective.parse(comment) {
            case .none: break
            case .directive(let directive): directives.append(directive)
            case .malformed(let why):
                problems.append(Finding(rule: "suppression-invalid", severity: .warning, location: comment.location,
                                        message: "this suppression is not understood and suppresses nothing: \(why)",
                                        fix: "write '# sysctl-lint: disable=RULE[,RULE] -- reason' on the line before the setting"))
            }
        }
        // The lines directives can point to, only when there is a directive (a large file has none).
        guard !directives.isEmpty else { return }
        var settingLines: [Int] = []
        for statement in file.statements {
            switch statement {
            case .assignment(let assignment): settingLines.append(assignment.location.line)
            case .exclusion(let exclusion): settingLines.append(exclusion.location.line)
            case .comment: break
            }
        }
        // Malformed lines are settings the author meant; the parser reported them, so their lines are known.
        for finding in file.findings {
            if let line = finding.location?.line, finding.location?.file == file.path, !commentLines.contains(line) {
                settingLines.append(line)
            }
        }
        settingLines.sort()
        for directive in directives {
            var entry = Entry(directive: directive, file: file.path)
            if directive.scope == .nextLine {
                entry.target = Self.firstLine(after: directive.location.line, in: settingLines)
            }
            for rule in directive.rules where !knownRules.contains(rule) {
                let hint = Suggest.closest(to: rule, among: Array(knownRules)).map { " (did you mean '\($0)'?)" } ?? ""
                problems.append(Finding(rule: "suppression-invalid", severity: .warning, location: directive.location,
                                        message: "no rule '\(rule)'\(hint), so this suppression cannot match anything",
                                        fix: "use an id from `sysctl-lint rules`"))
            }
            if directive.reason == nil {
                problems.append(Finding(rule: "suppression-without-reason", severity: .warning, location: directive.location,
                                        message: "suppression of \(directive.rules.joined(separator: ", ")) gives no reason; reviewers cannot tell a deliberate exception from a silenced hazard",
                                        fix: "say why after ' -- ', e.g. '# sysctl-lint: \(directive.scope.rawValue)=\(directive.rules.joined(separator: ",")) -- measured, see TICKET-123'"))
            }
            entries.append(entry)
        }
    }

    /// Splits `findings` into kept and suppressed, and adds the findings about the directives. Findings about
    /// suppressions cannot themselves be suppressed inline (the project file can ignore them).
    public func apply(to findings: [Finding]) -> Outcome {
        // Nothing to match (nearly every run): the findings pass as they are, without a copy of each.
        if entries.isEmpty { return Outcome(kept: problems.isEmpty ? findings : findings + problems, suppressed: []) }
        var entries = self.entries
        var kept: [Finding] = []
        var suppressed: [Finding] = []
        // Directives by the place they cover, so large files with many findings stay linear.
        var byFile: [String: [Int]] = [:]
        var byLine: [SourceLocation: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            if entry.directive.scope == .file {
                byFile[entry.file, default: []].append(index)
            } else if let target = entry.target {
                byLine[SourceLocation(file: entry.file, line: target, column: 0), default: []].append(index)
            }
        }
        for finding in findings {
            guard !entries.isEmpty, let location = finding.location, !finding.rule.hasPrefix("suppression-") else {
                kept.append(finding)
                continue
            }
            let candidates = (byFile[location.file] ?? []) + (byLine[SourceLocation(file: location.file, line: location.line, column: 0)] ?? [])
            var matched = false
            for index in candidates where entries[index].directive.rules.contains(finding.rule) {
                entries[index].used.insert(finding.rule)
                matched = true
            }
            if matched { suppressed.append(finding) } else { kept.append(finding) }
        }
        kept += problems
        for entry in entries {
            let unused = entry.directive.rules.filter { knownRules.contains($0) && !entry.used.contains($0) }
            guard !unused.isEmpty else { continue }
            let scope = entry.directive.scope == .file ? "in this file"
                : entry.target.map { "on line \($0)" } ?? "(no setting follows it)"
            kept.append(Finding(
                rule: "suppression-unused", severity: .info, location: entry.directive.location,
                message: "\(unused.joined(separator: ", ")) reports nothing \(scope), so this suppression has no effect; it may outlive a fix and hide the hazard if it comes back",
                fix: "remove \(unused.count == entry.directive.rules.count ? "the directive" : "'\(unused.joined(separator: ","))' from the directive")"))
        }
        return Outcome(kept: kept, suppressed: suppressed)
    }

    /// The first of the sorted `lines` after `line`, by binary search (a file of directives after its settings
    /// was quadratic with a scan from the start for each).
    static func firstLine(after line: Int, in lines: [Int]) -> Int? {
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle] > line { high = middle } else { low = middle + 1 }
        }
        return low < lines.count ? lines[low] : nil
    }
}
