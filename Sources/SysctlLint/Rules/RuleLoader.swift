import DataTree
/// Turns rule YAML into checked rules. Every problem names the file, line and column; a rule whose condition or
/// message does not parse or type-check is rejected here, never at lint time.
public enum RuleLoader {
    static let topFields = ["description", "rules"]
    /// Limits on what one rule file may ask of every run: rules, keys per rule, bytes per key.
    static let maxRulesPerFile = 1000
    static let maxKeysPerRule = 100
    static let maxKeyLength = 256

    static let ruleFields = ["id", "title", "severity", "keys", "kernel", "builtin", "when", "message", "fix",
                             "rationale", "references", "examples"]

    public static func load(text: String, file: String) throws(DataFileProblem) -> [Rule] {
        guard let root = try YAMLTree.parse(text, file: file) else {
            throw DataFileProblem(file: file, line: 1, column: 1, message: "empty rule file (expected a 'rules:' list)")
        }
        return try load(root, file: file)
    }

    /// `deferring`: build conditions, messages and examples on first use (see `RuleParts`), for the shipped rules.
    static func load(_ root: YAMLTree, file: String, deferring: Bool = false) throws(DataFileProblem) -> [Rule] {
        // A file that is not a rule file at all (a wrong path, a credentials file) is not quoted back.
        guard case .mapping(let pairs) = root.content, pairs.contains(where: { $0.key == "rules" }) else {
            throw DataFileProblem(file: file, line: root.line, column: root.column,
                                  message: "not a rule file: expected a mapping with a 'rules:' list")
        }
        let top = try root.fields(file, what: "a rule file", allowed: topFields)
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        let entries = try top.required("rules").sequence(file, what: "rules")
        if entries.count > maxRulesPerFile {
            throw DataFileProblem(file: file, line: entries[maxRulesPerFile].line, column: entries[maxRulesPerFile].column,
                                  message: "a rule file holds at most \(maxRulesPerFile) rules")
        }
        for entry in entries {
            let rule = try self.rule(entry, file: file, deferring: deferring)
            if let first = seen[rule.id] {
                throw DataFileProblem(file: file, line: entry.line, column: entry.column,
                                      message: "rule id '\(rule.id)' is defined twice (first at line \(first))")
            }
            seen[rule.id] = entry.line
            rules.append(rule)
        }
        return rules
    }

    private static func rule(_ tree: YAMLTree, file: String, deferring: Bool) throws(DataFileProblem) -> Rule {
        let fields = try tree.fields(file, what: "a rule", allowed: ruleFields)
        let idNode = try fields.required("id")
        let id = try idNode.string(file, what: "id")
        guard isKebabCase(id) else { throw idNode.problem(file, "rule id '\(id)' must be kebab-case: lower-case letters, digits and single '-'") }

        let severityNode = try fields.required("severity")
        let severityText = try severityNode.string(file, what: "severity")
        guard let severity = Severity(rawValue: severityText) else {
            throw severityNode.problem(file, "severity must be error, warning or info, not '\(severityText)'")
        }
        let builtin = try fields["builtin"].map { node throws(DataFileProblem) -> Bool in
            let text = try node.string(file, what: "builtin")
            guard text == "true" || text == "false" else { throw node.problem(file, "builtin must be true or false") }
            return text == "true"
        } ?? false

        var kernels = KernelRange.all
        if let node = fields["kernel"] {
            let text = try node.string(file, what: "kernel")
            guard let range = KernelRange(parsing: text) else {
                throw node.problem(file, "kernel must be a range such as '>= 4.12', '< 4.12' or '>= 2.6.32, < 4.12', not '\(text)'")
            }
            kernels = range
        }

        // Checked in the order a reader meets the problems, the same for deferred rules as for rules compiled here.
        let whenNode = fields["when"]
        if let whenNode, builtin { throw whenNode.problem(file, "a builtin rule has no 'when': the engine implements its check") }
        let condition = deferring ? nil : try compileCondition(whenNode, file: file)
        if whenNode == nil, !builtin { throw tree.problem(file, "rule '\(id)' is missing the required field 'when' (its condition)") }

        let keysNode = try fields.required("keys")
        let keys = try keysNode.strings(file, what: "keys")
        guard !keys.isEmpty else { throw keysNode.problem(file, "keys must name at least one key or pattern") }
        // Every key pattern is matched against every assignment: bounded per rule and per pattern.
        guard keys.count <= maxKeysPerRule else { throw keysNode.problem(file, "a rule names at most \(maxKeysPerRule) keys or patterns") }
        if keys.contains(where: { $0.utf8.count > maxKeyLength }) {
            throw keysNode.problem(file, "a key or pattern is longer than \(maxKeyLength) bytes; no sysctl key is")
        }

        let references = try fields.required("references").strings(file, what: "references")
        guard !references.isEmpty else { throw try fields.required("references").problem(file, "a rule needs at least one reference") }

        let title = try fields.required("title").string(file, what: "title")
        let messageNode = try fields.required("message")
        let message = deferring ? nil : try compileMessage(messageNode, builtin: builtin, file: file)
        let fixNode = fields["fix"]
        let fix = deferring ? nil : try fixNode.map { node throws(DataFileProblem) in try template(node, file: file, what: "fix") }
        let rationale = try fields.required("rationale").string(file, what: "rationale")
        let examplesNode = try fields.required("examples")
        let examples = deferring ? [] : try self.examples(examplesNode, file: file)
        if !builtin && fixNode == nil {
            throw tree.problem(file, "rule '\(id)' is missing the required field 'fix' (what to set instead)")
        }
        let parts = deferring
            ? RuleParts(deferring: RuleParts.Sources(file: file, builtin: builtin, when: whenNode, message: messageNode,
                                                     fix: fixNode, examples: examplesNode))
            : RuleParts(compiled: RuleParts.Compiled(condition: condition, message: message ?? .literal(""), fix: fix), examples: examples)
        return Rule(
            id: id, title: title, severity: severity, keys: keys, kernels: kernels, builtin: builtin,
            conditionText: try whenNode?.string(file, what: "when"),
            messageText: try messageNode.string(file, what: "message"),
            fixText: try fixNode?.string(file, what: "fix"),
            rationale: rationale, references: references,
            file: file, line: tree.line, parts: parts)
    }

    private static func compileCondition(_ when: YAMLTree?, file: String) throws(DataFileProblem) -> Expression? {
        guard let when else { return nil }
        let text = try when.string(file, what: "when")
        do {
            return try ExpressionParser.condition(text)
        } catch {
            throw position(of: error, in: when, file: file, what: "condition")
        }
    }

    private static func compileMessage(_ node: YAMLTree, builtin: Bool, file: String) throws(DataFileProblem) -> MessageTemplate {
        builtin ? MessageTemplate.literal(try node.string(file, what: "message")) : try template(node, file: file, what: "message")
    }

    /// A rule's condition and messages, parsed and type-checked.
    static func compile(when: YAMLTree?, message: YAMLTree, fix: YAMLTree?, builtin: Bool,
                        file: String) throws(DataFileProblem) -> RuleParts.Compiled {
        RuleParts.Compiled(
            condition: try compileCondition(when, file: file),
            message: try compileMessage(message, builtin: builtin, file: file),
            fix: try fix.map { node throws(DataFileProblem) in try template(node, file: file, what: "fix") })
    }

    private static func template(_ node: YAMLTree, file: String, what: String) throws(DataFileProblem) -> MessageTemplate {
        let text = try node.string(file, what: what)
        do {
            return try MessageTemplate.parse(text)
        } catch {
            throw position(of: error, in: node, file: file, what: what)
        }
    }

    static func examples(_ node: YAMLTree, file: String) throws(DataFileProblem) -> [RuleExample] {
        let fields = try node.fields(file, what: "examples", allowed: ["trigger", "pass"])
        var examples: [RuleExample] = []
        for (name, triggers) in [("trigger", true), ("pass", false)] {
            let list = try fields.required(name).sequence(file, what: "examples.\(name)")
            guard !list.isEmpty else { throw try fields.required(name).problem(file, "examples.\(name) needs at least one example") }
            for item in list {
                if case .mapping = item.content {
                    let example = try item.fields(file, what: "an example", allowed: ["config", "kernel", "filler", "tree", "loader", "runtime", "evidence", "proc", "source"])
                    var kernel: KernelVersion?
                    if let kernelNode = example["kernel"] {
                        let text = try kernelNode.string(file, what: "kernel")
                        guard let version = KernelVersion(text) else { throw kernelNode.problem(file, "'\(text)' is not a kernel version") }
                        kernel = version
                    }
                    var filler: Int?
                    if let fillerNode = example["filler"] {
                        guard let count = Int(try fillerNode.string(file, what: "filler")), count >= 0, count <= 4_194_304 else {
                            throw fillerNode.problem(file, "filler must be a byte count from 0 to 4194304")
                        }
                        filler = count
                    }
                    let tree = try files(example["tree"], file: file, what: "tree", shape: "paths to contents") { _ in nil }
                    let evidence = try files(example["evidence"], file: file, what: "evidence", shape: "file names to contents") { name in
                        name.utf8.contains(UInt8(ascii: "/")) || name.hasPrefix(".") ? "an evidence file name is a plain name, such as tcp or ss.txt" : nil
                    }
                    let sourceFiles = try files(example["source"], file: file, what: "source", shape: "file names to their contents") { _ in nil }
                    let proc = try files(example["proc"], file: file, what: "proc", shape: "paths under /proc to contents") { path in
                        path.split(separator: "/").contains("..") ? "a proc path stays inside /proc" : nil
                    }
                    var loader = LoaderKind.systemd
                    if let loaderNode = example["loader"] {
                        let text = try loaderNode.string(file, what: "loader")
                        guard let kind = LoaderKind(rawValue: text) else { throw loaderNode.problem(file, "loader must be systemd or procps") }
                        loader = kind
                    }
                    let runtime = try example["runtime"]?.string(file, what: "runtime")
                    let config = try example["config"]?.string(file, what: "config")
                    guard config != nil || !tree.isEmpty || runtime != nil || !evidence.isEmpty || !proc.isEmpty || !sourceFiles.isEmpty else {
                        throw item.problem(file, "an example needs config, tree, runtime, evidence, proc or source")
                    }
                    var built = RuleExample(config: config ?? "", kernel: kernel, filler: filler, triggers: triggers, line: item.line)
                    built.tree = tree
                    built.loader = loader
                    built.runtime = runtime
                    built.evidence = evidence
                    built.proc = proc
                    built.source = sourceFiles
                    examples.append(built)
                } else {
                    examples.append(RuleExample(config: try item.string(file, what: "an example"), kernel: nil,
                                                filler: nil, triggers: triggers, line: item.line))
                }
            }
        }
        return examples
    }

    /// An example's files (`tree`, `evidence`, `source`, `proc`): a mapping of names to contents, each name checked
    /// by `problem` (nil when it is fine).
    private static func files(_ node: YAMLTree?, file: String, what: String, shape: String,
                              problem: (String) -> String?) throws(DataFileProblem) -> [RuleExample.TreeEntry] {
        guard let node else { return [] }
        guard case .mapping(let pairs) = node.content, !pairs.isEmpty else { throw node.problem(file, "\(what) must map \(shape)") }
        var entries: [RuleExample.TreeEntry] = []
        for pair in pairs {
            if let message = problem(pair.key) { throw pair.keyTree.problem(file, message) }
            entries.append(RuleExample.TreeEntry(path: pair.key, content: try pair.value.string(file, what: "\(what) content")))
        }
        return entries
    }

    /// Maps an offset inside an expression to the file position: exact for single-line scalars.
    private static func position(of error: ExpressionError, in node: YAMLTree, file: String, what: String) -> DataFileProblem {
        var column = node.column
        if case .scalar(_, let singleLine, let quoted) = node.content, singleLine {
            column += error.offset + (quoted ? 1 : 0)
        }
        return DataFileProblem(file: file, line: node.line, column: column, message: "\(what): \(error.message)")
    }

    /// Lower-case ASCII letters and digits in words joined by single dashes; checked on bytes (it runs for every
    /// rule on every start).
    static func isKebabCase(_ id: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "-")
        for byte in id.utf8 {
            let word = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            guard word || (byte == UInt8(ascii: "-") && previous != UInt8(ascii: "-")) else { return false }
            previous = byte
        }
        return !id.isEmpty && previous != UInt8(ascii: "-")
    }
}
