import Foundation
import DataTree

/// Ansible playbooks, task files and handlers: tasks using the sysctl module (`ansible.posix.sysctl`, and the
/// `sysctl` / `ansible.builtin.sysctl` names of Ansible before 2.10), with `name`/`key`, `value`/`val` and
/// `state`, in arguments given as a mapping or as `key=value` words, inside `block`/`rescue`/`always`, and over a
/// `loop` or `with_items` of literal items (`{{ item.name }}`, `{{ item.value }}`, `{{ item }}`). Any other
/// template is not guessed: it is reported as not checkable. One file is one unit: its tasks run in order on a host.
struct AnsibleSource {
    /// Literal variables of the task file's role (`defaults/main.yml`, then `vars/main.yml`, which wins), so that
    /// `{{ var }}` and `loop: "{{ list }}"` over them are read; anything else templated stays not checkable.
    var variables: [String: YAMLTree] = [:]

    /// The role variables for a task or handler file at `roles/NAME/tasks/…`, read from disk beside it.
    static func roleVariables(forTaskFile path: String) -> [String: YAMLTree] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = parts.lastIndex(where: { $0 == "tasks" || $0 == "handlers" }), index > 0 else { return [:] }
        let role = parts[..<index].joined(separator: "/")
        var variables: [String: YAMLTree] = [:]
        for folder in ["defaults", "vars"] {
            for name in ["main.yml", "main.yaml"] {
                let file = (role.isEmpty ? "" : role + "/") + folder + "/" + name
                guard let text = try? InputReader().read(file).first,
                      let documents = try? YAMLDocuments.parse(String(decoding: text.bytes, as: UTF8.self), file: file),
                      case .mapping(let pairs)? = documents.first?.content else { continue }
                for pair in pairs { variables[pair.key] = pair.value }
            }
        }
        return variables
    }
    static let modules: Set<String> = ["ansible.posix.sysctl", "sysctl", "ansible.builtin.sysctl", "community.general.sysctl"]
    static let taskLists = ["tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always"]

    static func isPlayOrTask(_ tree: YAMLTree) -> Bool {
        guard case .mapping(let pairs) = tree.content else { return false }
        return pairs.contains { ["hosts", "tasks", "block", "import_tasks", "include_tasks", "roles"].contains($0.key) || modules.contains($0.key) }
    }

    func parse(_ documents: [YAMLTree], path: String) -> [ParsedFile] {
        var file = ParsedFile(path: path)
        for document in documents {
            if case .sequence(let items) = document.content { for item in items { walk(item, path: path, into: &file, depth: 0) } }
        }
        return [file]
    }

    private func walk(_ task: YAMLTree, path: String, into file: inout ParsedFile, depth: Int) {
        guard depth < 16, case .mapping(let pairs) = task.content else { return }
        for list in Self.taskLists {
            if case .sequence(let items)? = pairs.first(where: { $0.key == list })?.value.content {
                for item in items { walk(item, path: path, into: &file, depth: depth + 1) }
            }
        }
        guard let module = pairs.first(where: { Self.modules.contains($0.key) }) else { return }
        let arguments = Self.arguments(module.value)
        let state = arguments["state"]?.text
        if state == "absent" { return }  // removes the line from sysctl_file; the running value is left as it is
        guard let key = arguments["name"] ?? arguments["key"] else {
            file.findings.append(Finding(rule: "source-invalid", severity: .error, location: location(module.value, path),
                message: "a \(module.key) task without name; Ansible fails the task"))
            return
        }
        let value = arguments["value"] ?? arguments["val"]
        guard let value else {
            file.findings.append(Finding(rule: "source-invalid", severity: .error, location: location(key.tree, path),
                message: "a \(module.key) task setting \(key.text) without value; Ansible fails the task"))
            return
        }
        var loop = pairs.first { $0.key == "loop" || $0.key == "with_items" || $0.key == "with_list" }?.value
        // `loop: "{{ sysctl_settings }}"` over a literal list among the role's variables: its items are in another
        // file, so their values are placed at the loop line of this one.
        var placed: YAMLTree?
        if let reference = loop, let text = YAMLAssignments.scalar(reference), let name = Self.variableName(text), let list = variables[name] {
            placed = reference
            loop = list
        }
        if let loop, case .sequence(let items) = loop.content {
            for item in items { add(key: key, value: value, item: item, at: placed, path: path, into: &file) }
        } else if let loop {
            file.findings.append(Finding(rule: "source-not-checkable", severity: .info, location: location(loop, path),
                message: "the loop of this \(module.key) task is not a literal list; its values are not guessed, so they are not checked"))
        } else {
            add(key: key, value: value, item: nil, path: path, into: &file)
        }
    }

    /// One argument: its text and, when given as a mapping, its node (for positions).
    struct Argument {
        var text: String
        var tree: YAMLTree
    }

    /// `name: x` mapping arguments, or the `name=x value=y` words of the free form.
    static func arguments(_ tree: YAMLTree) -> [String: Argument] {
        var result: [String: Argument] = [:]
        switch tree.content {
        case .mapping(let pairs):
            for pair in pairs { result[pair.key] = Argument(text: YAMLAssignments.scalar(pair.value) ?? "", tree: pair.value) }
        case .scalar(let text, _, _):
            for word in freeFormWords(text) {
                guard let equals = word.firstIndex(of: "=") else { continue }
                var value = String(word[word.index(after: equals)...])
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first { value = String(value.dropFirst().dropLast()) }
                result[String(word[..<equals])] = Argument(text: value, tree: tree)
            }
        case .sequence:
            break
        }
        return result
    }

    /// `name={{ item.name }} value="a b"` → [`name={{ item.name }}`, `value="a b"`]: spaces inside `{{ }}` or
    /// quotes do not split, as in Ansible's own `parse_kv`.
    static func freeFormWords(_ text: String) -> [Substring] {
        var words: [Substring] = []
        var start = text.startIndex, index = text.startIndex
        var braces = 0
        var quote: Character?
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if text[index...].hasPrefix("{{") {
                braces += 1
            } else if text[index...].hasPrefix("}}") {
                braces = max(braces - 1, 0)
            } else if character == " " && braces == 0 {
                if start < index { words.append(text[start..<index]) }
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { words.append(text[start...]) }
        return words
    }

    private func add(key: Argument, value: Argument, item: YAMLTree?, at placed: YAMLTree? = nil, path: String, into file: inout ParsedFile) {
        let at = placed ?? item ?? value.tree
        guard let name = Self.substitute(key.text, item: item, variables: variables),
              let setting = Self.substitute(value.text, item: item, variables: variables) else {
            file.findings.append(Finding(rule: "source-not-checkable", severity: .info, location: location(at, path),
                message: "\(key.text) = \(value.text) is a template; its value is not guessed, so it is not checked"))
            return
        }
        file.statements.append(.assignment(YAMLAssignments.assignment(key: name, value: setting, at: at, path: path)))
    }

    /// The text with `{{ item }}` / `{{ item.field }}` replaced from a literal loop item; nil when another
    /// template remains.
    static func substitute(_ text: String, item: YAMLTree?, variables: [String: YAMLTree] = [:]) -> String? {
        guard YAMLAssignments.isTemplated(text) else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let replacement: String?
            if let variable = variables[expression], case .scalar(let literal, _, _) = variable.content, !YAMLAssignments.isTemplated(literal) {
                replacement = literal
            } else if item == nil {
                replacement = nil
            } else if expression == "item" {
                replacement = YAMLAssignments.scalar(item)
            } else if expression.hasPrefix("item.") {
                replacement = YAMLAssignments.scalar(YAMLAssignments.value(item, String(expression.dropFirst(5))))
            } else if expression.hasPrefix("item['"), expression.hasSuffix("']") {
                replacement = YAMLAssignments.scalar(YAMLAssignments.value(item, String(expression.dropFirst(6).dropLast(2))))
            } else {
                replacement = nil
            }
            guard let replacement else { return nil }
            out += replacement
            rest = rest[close.upperBound...]
        }
        out += rest
        return YAMLAssignments.isTemplated(out) ? nil : out
    }

    /// `{{ name }}` → `name`, for a whole-value reference to one variable.
    static func variableName(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") else { return nil }
        let inner = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
        return !inner.isEmpty && inner.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? inner : nil
    }

    private func location(_ tree: YAMLTree, _ path: String) -> SourceLocation {
        SourceLocation(file: path, line: tree.line, column: tree.column)
    }
}
