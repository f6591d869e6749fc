import DataTree
import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint rules`: every rule in force.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List the rules.")

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, markdown
    }

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: "text: one line per rule; markdown: the rule reference, as in docs/rules.md.")
    var format: Format = .text

    func run() throws {
        let knowledge = try ruleOptions.knowledge()
        if format == .markdown {
            emit(RuleDocs.markdown(knowledge.rules))
            return
        }
        let rules = knowledge.rules.sorted { $0.id < $1.id }
        let width = rules.map(\.id.count).max() ?? 0
        for rule in rules {
            emit("\(rule.id.padding(width))  \(rule.severity.rawValue.padding(7))  \(DisplayText.escaped(rule.title))\n")
        }
    }
}

/// `sysctl-lint explain ID`: one rule's rationale, fix, references and examples.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain one rule: why, what to do, sources, examples.")

    @Argument(help: "The rule id (see `sysctl-lint rules`).",
              completion: .custom { _, _, prefix in
                  ((try? Knowledge.shipped())?.rules.map(\.id) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
              })
    var id: String

    @OptionGroup var ruleOptions: RuleOptions

    func run() throws {
        let knowledge = try ruleOptions.knowledge()
        guard let rule = knowledge.rule(id: id) else {
            let hint = Suggest.closest(to: id, among: knowledge.rules.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
            fail(["no rule '\(id)'\(hint); `sysctl-lint rules` lists them"])
        }
        var out = "\(rule.id): \(rule.title)\n"
        out += "severity: \(rule.severity.rawValue)    kernels: \(rule.kernels)    keys: \(rule.keys.joined(separator: ", "))\n"
        if let condition = rule.conditionText { out += "when: \(condition)\n" }
        if rule.builtin { out += "(checked by the engine itself)\n" }
        out += "\n\(rule.rationale.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        if let fix = rule.fixText { out += "\nFix: \(fix)\n" }
        out += "\nReferences:\n" + rule.references.map { "  - \($0)\n" }.joined()
        if rule.shipped { out += "\nDocumentation: \(SysctlLintVersion.documentation(forRule: rule.id))\n" }
        for (title, triggers) in [("Triggers on", true), ("Does not trigger on", false)] {
            out += "\n\(title):\n"
            for example in rule.examples where example.triggers == triggers {
                let kernel = example.kernel.map { "  (Linux \($0))" } ?? ""
                let lines = example.displayLines
                // A multi-line example ends with a blank line, so examples read as separate files.
                out += lines.map { "    \($0)" }.joined(separator: "\n") + kernel + "\n" + (lines.count > 1 ? "\n" : "")
            }
        }
        // Rule files may come from a checked-out repository: their text is shown with control characters escaped.
        emit(safeLines(out))
    }
}
