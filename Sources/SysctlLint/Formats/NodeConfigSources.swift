import DataTree

/// Node configuration formats kept as YAML: Talos (`machine.sysctls` of the v1alpha1 machine config, and
/// `SysctlConfig` documents' `params`, which win on conflicts) and kops (`spec.sysctlParameters` of a Cluster or
/// InstanceGroup, `KEY=VALUE` strings). Both set the node's own values, so each file is one unit.
struct TalosSource {
    static func isTalos(_ document: YAMLTree) -> Bool {
        let kind = YAMLAssignments.scalar(YAMLAssignments.value(document, "kind"))
        let version = YAMLAssignments.scalar(YAMLAssignments.value(document, "version"))
        return kind == "SysctlConfig" || (version == "v1alpha1" && YAMLAssignments.value(document, "machine") != nil)
    }

    func parse(_ documents: [YAMLTree], path: String) -> [ParsedFile] {
        var file = ParsedFile(path: path)
        // machine.sysctls first, SysctlConfig after: the later assignment wins, as Talos merges them.
        var ordered: [YAMLTree] = []
        for document in documents { if let map = YAMLAssignments.value(YAMLAssignments.value(document, "machine"), "sysctls") { ordered.append(map) } }
        for document in documents where YAMLAssignments.scalar(YAMLAssignments.value(document, "kind")) == "SysctlConfig" {
            if let map = YAMLAssignments.value(document, "params") { ordered.append(map) }
        }
        for map in ordered {
            guard case .mapping(let pairs) = map.content else {
                file.findings.append(Finding(rule: "source-invalid", severity: .error, location: SourceLocation(file: path, line: map.line, column: map.column),
                                             message: "Talos sysctls must map keys to values; talosctl rejects the config"))
                continue
            }
            for pair in pairs {
                let value = YAMLAssignments.scalar(pair.value) ?? ""
                let at = pair.value.line == pair.keyTree.line ? pair.value : pair.keyTree
                if YAMLAssignments.isTemplated(value) {
                    file.findings.append(Finding(rule: "source-not-checkable", severity: .info, key: pair.key, value: value,
                        location: SourceLocation(file: path, line: at.line, column: at.column), message: "\(pair.key) = \(value) is a template; its value is not guessed, so it is not checked"))
                    continue
                }
                file.statements.append(.assignment(YAMLAssignments.assignment(key: pair.key, value: value, at: at, path: path)))
            }
        }
        return [file]
    }
}

struct KopsSource {
    static func isKops(_ document: YAMLTree) -> Bool {
        YAMLAssignments.scalar(YAMLAssignments.value(document, "apiVersion"))?.hasPrefix("kops.k8s.io/") == true
    }

    func parse(_ documents: [YAMLTree], path: String) -> [ParsedFile] {
        var file = ParsedFile(path: path)
        for document in documents where Self.isKops(document) {
            guard let list = YAMLAssignments.value(YAMLAssignments.value(document, "spec"), "sysctlParameters") else { continue }
            guard case .sequence(let items) = list.content else {
                file.findings.append(Finding(rule: "source-invalid", severity: .error, location: SourceLocation(file: path, line: list.line, column: list.column),
                                             message: "spec.sysctlParameters must be a list of KEY=VALUE strings; kops rejects the spec"))
                continue
            }
            for item in items {
                guard let text = YAMLAssignments.scalar(item), let equals = text.firstIndex(of: "=") else {
                    file.findings.append(Finding(rule: "source-invalid", severity: .error, location: SourceLocation(file: path, line: item.line, column: item.column),
                                                 message: "a sysctlParameters entry that is not KEY=VALUE; kops writes it to the node's sysctl file as it is, where it is not a valid line"))
                    continue
                }
                let key = String(text[..<equals]).trimmingSpaces(), value = String(text[text.index(after: equals)...]).trimmingSpaces()
                file.statements.append(.assignment(YAMLAssignments.assignment(key: key, value: value, at: item, path: path)))
            }
        }
        return [file]
    }
}
