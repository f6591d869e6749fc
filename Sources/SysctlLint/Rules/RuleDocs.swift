import Foundation

/// The rule reference in Markdown (`docs/rules.md`), generated from the rule files so that it cannot drift from
/// what the engine does. Each rule is a `###` section headed by its id, so `docs/rules.md#<id>` is the rule's
/// address: SARIF help links point there, and `explain` prints the same facts in the terminal.
public enum RuleDocs {
    public static func markdown(_ rules: [Rule]) -> String {
        let ordered = rules.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        let files = ordered.reduce(into: [String]()) { if $0.last != $1.file { $0.append($1.file) } }
        var out = """
            # sysctl-lint rules

            Generated from the rule files by `sysctl-lint rules --format markdown > docs/rules.md`. Do not edit by
            hand: a test fails when this page and the rule files disagree. `sysctl-lint explain <id>` prints the same
            facts in a terminal.

            Severities: `error` breaks traffic or fails to apply, `warning` is a real risk, `info` is a no-op or a
            misconception. "Built in" rules document checks the engine runs in Swift (syntax, file trees, the
            kernel model); the others are conditions in the rule files.


            """
        for file in files {
            out += "- `\(file)`: " + ordered.filter { $0.file == file }.map { "[\($0.id)](#\($0.id))" }.joined(separator: ", ") + "\n"
        }
        for file in files {
            out += "\n## `\(file)`\n"
            for rule in ordered where rule.file == file { out += "\n" + section(rule) }
        }
        return out
    }

    /// Rule text is Markdown its authors write, so it is kept as Markdown; what no author means is escaped: control
    /// characters (shown as `\x1b`, as reports show them) and backtick runs that would close a code span or fence.
    static func section(_ rule: Rule) -> String {
        let text: (String) -> String = { DisplayText.escaped($0) }
        var out = "### \(text(rule.id))\n\n**\(text(rule.title))**\n\n"
        let keys = rule.keys.isEmpty ? "" : " · keys: " + rule.keys.map { MarkdownText.span(text($0)) }.joined(separator: ", ")
        out += "Severity: `\(rule.severity.rawValue)` · kernels: \(rule.kernels)\(keys)\(rule.builtin ? " · built in" : "")\n\n"
        if let condition = rule.conditionText { out += "When: \(MarkdownText.span(text(condition)))\n\n" }
        out += DisplayText.escapedKeepingLines(rule.rationale.trimmingCharacters(in: .whitespacesAndNewlines)) + "\n\n"
        if let fix = rule.fixText { out += "Fix: \(DisplayText.escapedKeepingLines(fix))\n\n" }
        out += "References:\n\n" + rule.references.map { "- \(text($0))\n" }.joined() + "\n"
        for (title, triggers) in [("Triggers on", true), ("Does not trigger on", false)] {
            let examples = rule.examples.filter { $0.triggers == triggers }
            guard !examples.isEmpty else { continue }
            out += "\(title):\n\n"
            for example in examples {
                let body = example.displayLines.map(DisplayText.escapedKeepingLines).joined(separator: "\n")
                let fence = String(repeating: "`", count: max(3, MarkdownText.longestBacktickRun(body) + 1))
                out += fence + "\n" + body + "\n" + fence + "\n"
                if let kernel = example.kernel { out += "\n(on Linux \(kernel))\n" }
                out += "\n"
            }
        }
        return out
    }
}
