import DataTree

/// The kinds of file that set sysctls. Each is read into the same located assignments (`ParsedFile`), so the
/// effective state, the rules, the figures and every report treat a Kubernetes value like a line of sysctl.conf.
public enum SourceFormat: String, Sendable, CaseIterable {
    /// sysctl.conf and sysctl.d files.
    case sysctl
    /// Kubernetes manifests: pods and the pod templates of workloads (`securityContext.sysctls`).
    case kubernetes
    /// Docker Compose files (`services.*.sysctls`).
    case compose
    /// Ansible playbooks, roles and handlers using the sysctl module.
    case ansible
    /// Talos machine configs (`machine.sysctls`, `SysctlConfig`).
    case talos
    /// kops Cluster and InstanceGroup specs (`spec.sysctlParameters`).
    case kops
    /// tuned profiles (`[sysctl]` of `tuned.conf`).
    case tuned
    /// NixOS configurations (`boot.kernel.sysctl` as a literal attribute set).
    case nixos
    /// Jinja2 templates of sysctl files (`*.conf.j2`, as Ansible roles keep them): the plain lines are read, the
    /// template lines are skipped and counted.
    case jinja
}

/// Reads one file of any supported format. A YAML file holding several workloads yields one `ParsedFile` per
/// workload: each pod or service has a network namespace of its own, so their values must not override each other.
public struct ConfigSources: Sendable {
    public var kubernetes: KubernetesVersion
    /// The kubelet's `allowedUnsafeSysctls` (`--allowed-unsafe-sysctls`, or a KubeletConfiguration in the run):
    /// names and `prefix*` patterns that pods may use beyond the safe set, on the nodes so configured.
    public var allowedUnsafe: [String]

    public init(kubernetes: KubernetesVersion = .newest, allowedUnsafe: [String] = []) {
        self.kubernetes = kubernetes
        self.allowedUnsafe = allowedUnsafe
    }

    /// The `allowedUnsafeSysctls` of the KubeletConfiguration documents in `source`, if it holds any.
    public static func kubeletAllowances(in source: SourceText) -> [String] {
        guard isYAMLName(source.path) else { return [] }  // before the text is made: a sysctl file can be megabytes
        let text = String(decoding: source.bytes, as: UTF8.self)
        guard text.contains("allowedUnsafeSysctls"),
              let documents = try? YAMLDocuments.parse(text, file: source.path) else { return [] }
        return documents.filter { YAMLAssignments.scalar(YAMLAssignments.value($0, "kind")) == "KubeletConfiguration" }
            .flatMap { document -> [String] in
                guard case .sequence(let items)? = YAMLAssignments.value(document, "allowedUnsafeSysctls")?.content else { return [] }
                return items.compactMap(YAMLAssignments.scalar)
            }
    }

    /// The file read as `format`, or as what its name and content say it is.
    public func parse(_ source: SourceText, as format: SourceFormat? = nil) -> [ParsedFile] {
        let chosen = format ?? Self.formatByName(source.path)
        switch chosen {
        case .tuned?: return [TunedSource().parse(source)]
        case .nixos?:
            var nix = NixSource(source)
            return [nix.parse()]
        case .sysctl?: return [ConfigParser().parse(source)]
        case .jinja?: return [Self.template(source)]
        case nil where !Self.isYAMLName(source.path): return [ConfigParser().parse(source)]
        default: break
        }
        let text = String(decoding: source.bytes, as: UTF8.self)
        // A YAML file that never mentions sysctls sets none (pre-commit and CI pass every YAML file here): it is
        // clean without being parsed, and a Helm template among them is no error.
        if format == nil && !text.contains("sysctl") { return [ParsedFile(path: source.path)] }
        let documents: [YAMLTree]
        do {
            documents = try YAMLDocuments.parse(text, file: source.path)
        } catch {
            // A template (Helm) is not YAML until it is rendered: no error of the configuration.
            if YAMLAssignments.isTemplated(text) {
                return [Self.problemFile(source.path, rule: "source-not-checkable", .info, line: error.line, column: error.column,
                                         "a template that is not YAML until it is rendered (\(error.message)); render it (helm template) and check the output")]
            }
            return [Self.problemFile(source.path, rule: "source-invalid", .error, line: error.line, column: error.column,
                                     "cannot read this file: \(error.message); none of its values were checked")]
        }
        let format = chosen ?? Self.detect(documents)
        let files: [ParsedFile]
        switch format {
        case .kubernetes?: files = KubernetesSource(version: kubernetes, allowedUnsafe: allowedUnsafe).parse(documents, path: source.path)
        case .compose?: files = ComposeSource().parse(documents, path: source.path)
        case .ansible?: files = AnsibleSource(variables: AnsibleSource.roleVariables(forTaskFile: source.path)).parse(documents, path: source.path)
        case .talos?: files = TalosSource().parse(documents, path: source.path)
        case .kops?: files = KopsSource().parse(documents, path: source.path)
        case .sysctl?, .tuned?, .nixos?, .jinja?, nil:
            return [Self.problemFile(source.path, rule: "source-skipped", .info, line: 1, column: 1,
                                     "a YAML file that is not a Kubernetes manifest, a Compose file, Ansible tasks, a Talos or a kops config; not checked (give --source-format to read it as one)")]
        }
        // It mentions sysctls, yet none is where this format sets them (a ConfigMap carrying a sysctl.conf, a
        // script in a task): say so rather than call the file clean.
        if files.allSatisfy({ $0.statements.isEmpty && $0.findings.isEmpty }), let format {
            return [Self.problemFile(source.path, rule: "source-skipped", .info, line: 1, column: 1,
                                     "this \(format.rawValue) file mentions sysctls but sets none where \(format.rawValue) sets them (\(Self.where(format))); sysctl lines held in other fields (a ConfigMap, a script) are not read")]
        }
        return files
    }

    static func `where`(_ format: SourceFormat) -> String {
        switch format {
        case .kubernetes: "securityContext.sysctls of a pod template"
        case .compose: "services.*.sysctls"
        case .ansible: "sysctl module tasks"
        case .talos: "machine.sysctls or SysctlConfig params"
        case .kops: "spec.sysctlParameters"
        case .tuned: "the [sysctl] section"
        case .nixos: "boot.kernel.sysctl"
        case .jinja: "key = value lines"
        case .sysctl: "key = value lines"
        }
    }

    /// A sysctl file template: lines holding `{{`, `{%` or `{#` become blank (so every other line keeps its
    /// number), and one finding counts them; the rest is read as a sysctl file.
    static func template(_ source: SourceText) -> ParsedFile {
        var lines = source.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        var skipped: [Int] = []
        for index in lines.indices {
            let text = String(decoding: lines[index], as: UTF8.self)
            if text.contains("{{") || text.contains("{%") || text.contains("{#") {
                skipped.append(index + 1)
                lines[index] = []
            }
        }
        var file = ConfigParser().parse(SourceText(path: source.path, bytes: Array(lines.joined(separator: [0x0A]))))
        if let first = skipped.first {
            file.findings.append(Finding(rule: "source-not-checkable", severity: .info, location: SourceLocation(file: source.path, line: first, column: 1),
                message: "\(skipped.count) template line\(skipped.count == 1 ? "" : "s") of this Jinja2 template \(skipped.count == 1 ? "is" : "are") not checked (first at line \(first)); the plain lines are"))
        }
        return file
    }

    static func isYAMLName(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

    /// Names that say the format whatever the content.
    public static func formatByName(_ path: String) -> SourceFormat? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if TunedSource.isTuned(path) { return .tuned }
        if name.hasSuffix(".conf.j2") { return .jinja }
        if NixSource.isNix(path) { return .nixos }
        if name.hasPrefix("docker-compose") || name.hasPrefix("compose.") || name.hasPrefix("compose-") { return isYAMLName(name) ? .compose : nil }
        return nil
    }

    /// What the documents look like: `apiVersion` and `kind` (Kubernetes), a `services` mapping (Compose), a
    /// list of plays or tasks (Ansible).
    static func detect(_ documents: [YAMLTree]) -> SourceFormat? {
        for document in documents {
            if TalosSource.isTalos(document) { return .talos }
            if KopsSource.isKops(document) { return .kops }
            if case .mapping(let pairs) = document.content {
                let keys = Set(pairs.map(\.key))
                if keys.contains("apiVersion") && keys.contains("kind") { return .kubernetes }
                if keys.contains("services"), case .mapping? = pairs.first(where: { $0.key == "services" })?.value.content { return .compose }
            }
            if case .sequence(let items) = document.content, items.contains(where: AnsibleSource.isPlayOrTask) { return .ansible }
        }
        return nil
    }

    static func problemFile(_ path: String, rule: String, _ severity: Severity, line: Int?, column: Int?, _ message: String) -> ParsedFile {
        var file = ParsedFile(path: path)
        file.findings = [Finding(rule: rule, severity: severity, location: SourceLocation(file: path, line: line ?? 1, column: column ?? 1), message: message)]
        return file
    }
}

/// Helpers for reading assignments out of YAML trees, with positions.
enum YAMLAssignments {
    /// A scalar's text, or nil for collections.
    static func scalar(_ tree: YAMLTree?) -> String? {
        if case .scalar(let text, _, _)? = tree?.content { return text }
        return nil
    }

    /// The value of `key` in a mapping, following Compose and Ansible's `<<` merge keys (explicit keys win).
    static func value(_ tree: YAMLTree?, _ key: String) -> YAMLTree? {
        guard case .mapping(let pairs)? = tree?.content else { return nil }
        if let direct = pairs.first(where: { $0.key == key }) { return direct.value }
        guard let merged = pairs.first(where: { $0.key == "<<" })?.value else { return nil }
        switch merged.content {
        case .mapping: return value(merged, key)
        case .sequence(let items): return items.lazy.compactMap { value($0, key) }.first
        case .scalar: return nil
        }
    }

    /// An assignment of `key` to `value`, located at the value (or the key, when the value is elsewhere).
    static func assignment(key: String, value: String, at tree: YAMLTree, path: String) -> Assignment {
        Assignment(key: SysctlKey(key), value: value, ignoreFailure: false,
                   location: SourceLocation(file: path, line: tree.line, column: tree.column), valueColumn: tree.column)
    }

    /// Whether a value is a template (Jinja `{{ }}`/`{% %}`, Helm), which is not guessed.
    static func isTemplated(_ text: String) -> Bool {
        text.contains("{{") || text.contains("{%")
    }
}
