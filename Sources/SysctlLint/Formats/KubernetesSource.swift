import DataTree

/// Kubernetes manifests: the `securityContext.sysctls` of a Pod and of the pod templates of Deployment,
/// StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and PodTemplate (and of each item of a
/// `List`), in any number of YAML documents. Each pod spec is a unit of its own: a pod has its own namespaces.
struct KubernetesSource {
    let version: KubernetesVersion
    var allowedUnsafe: [String] = []

    /// Whether the kubelet's `allowedUnsafeSysctls` names the key (an exact name, or a `prefix*` pattern).
    func allowedOnNodes(_ key: String) -> Bool {
        allowedUnsafe.contains { $0 == key || ($0.hasSuffix("*") && key.hasPrefix($0.dropLast())) }
    }

    /// Where each kind keeps its pod spec.
    static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "PodTemplate": ["template", "spec"],
        "Deployment": ["spec", "template", "spec"], "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"], "ReplicaSet": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"], "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    func parse(_ documents: [YAMLTree], path: String) -> [ParsedFile] {
        var files: [ParsedFile] = []
        for document in documents { collect(document, path: path, into: &files, depth: 0) }
        return files.isEmpty ? [ParsedFile(path: path)] : files
    }

    private func collect(_ document: YAMLTree, path: String, into files: inout [ParsedFile], depth: Int) {
        guard depth < 4, let kind = YAMLAssignments.scalar(YAMLAssignments.value(document, "kind")) else { return }
        if kind.hasSuffix("List"), case .sequence(let items)? = YAMLAssignments.value(document, "items")?.content {
            for item in items { collect(item, path: path, into: &files, depth: depth + 1) }
            return
        }
        guard let route = Self.podSpecPaths[kind] else { return }
        var spec: YAMLTree? = document
        for step in route { spec = YAMLAssignments.value(spec, step) }
        guard let spec else { return }
        let name = YAMLAssignments.scalar(YAMLAssignments.value(YAMLAssignments.value(document, "metadata"), "name")) ?? "unnamed"
        files.append(podSpec(spec, workload: "\(kind) \(name)", path: path))
    }

    private func podSpec(_ spec: YAMLTree, workload: String, path: String) -> ParsedFile {
        var file = ParsedFile(path: path)
        file.workload = workload
        guard let sysctls = YAMLAssignments.value(YAMLAssignments.value(spec, "securityContext"), "sysctls") else { return file }
        let hostNetwork = YAMLAssignments.scalar(YAMLAssignments.value(spec, "hostNetwork")) == "true"
        let hostIPC = YAMLAssignments.scalar(YAMLAssignments.value(spec, "hostIPC")) == "true"
        guard case .sequence(let items) = sysctls.content else {
            file.findings.append(finding("source-invalid", .error, at: sysctls, path: path,
                "securityContext.sysctls of \(workload) must be a list of {name, value}; the API server rejects the manifest"))
            return file
        }
        for item in items {
            guard let nameTree = YAMLAssignments.value(item, "name"), let name = YAMLAssignments.scalar(nameTree) else {
                file.findings.append(finding("source-invalid", .error, at: item, path: path, "a sysctl of \(workload) without a name; the API server rejects the manifest"))
                continue
            }
            let valueTree = YAMLAssignments.value(item, "value")
            guard let valueTree, case .scalar(let value, _, let quoted) = valueTree.content else {
                file.findings.append(finding("source-invalid", .error, at: nameTree, path: path, "\(name) in \(workload) has no value; the API server rejects the manifest"))
                continue
            }
            if YAMLAssignments.isTemplated(name) || YAMLAssignments.isTemplated(value) {
                file.findings.append(finding("source-not-checkable", .info, at: valueTree, path: path,
                    "\(name) = \(value) in \(workload) is a template; its value is not guessed, so it is not checked"))
                continue
            }
            // `value` is a string in the Pod API: an unquoted number or boolean fails to decode.
            if !quoted, Int(value) != nil || ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(value.lowercased()) {
                file.findings.append(finding("k8s-sysctl-value-not-string", .error, key: name, value: value, at: valueTree, path: path,
                    "the value of \(name) in \(workload) is written without quotes, so YAML reads it as a \(Int(value) != nil ? "number" : "boolean or null"), and the Pod API takes a string: kubectl and the API server reject the manifest",
                    fix: "quote it: value: \"\(value)\""))
            }
            let key = SysctlKey(name)
            let dotted = key.name
            file.statements.append(.assignment(YAMLAssignments.assignment(key: name, value: value, at: valueTree, path: path)))
            let namespace = KubernetesVersion.namespace(of: dotted)
            if namespace == nil {
                file.findings.append(finding("k8s-sysctl-not-namespaced", .error, key: dotted, value: value, at: nameTree, path: path,
                    "\(dotted) in \(workload) is not namespaced (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): it would change the node for every pod, so the kubelet rejects the pod (SysctlForbidden)",
                    fix: "tune the node instead (a DaemonSet or the node's own configuration), not the pod"))
                continue
            }
            if namespace == .network && hostNetwork {
                file.findings.append(finding("k8s-host-network-sysctl", .error, key: dotted, value: value, at: nameTree, path: path,
                    "\(dotted) in \(workload) with hostNetwork: true would set the node's own network namespace: the API server rejects the manifest (from 1.29), and the kubelet rejects the pod (SysctlForbidden, \"not allowed with host net enabled\")",
                    fix: "drop hostNetwork, or tune the node instead of the pod"))
            } else if namespace == .ipc && hostIPC {
                file.findings.append(finding("k8s-host-network-sysctl", .error, key: dotted, value: value, at: nameTree, path: path,
                    "\(dotted) in \(workload) with hostIPC: true would set the node's own IPC namespace; the kubelet rejects the pod",
                    fix: "drop hostIPC, or tune the node instead of the pod"))
            }
            if let safe = version.safe(dotted) {
                if let kernel = safe.minimumKernel {
                    file.findings.append(finding("k8s-safe-sysctl-kernel", .info, key: dotted, value: value, at: nameTree, path: path,
                        "\(dotted) is in Kubernetes \(version)'s safe set only on nodes running Linux \(kernel) or later, where the key is per network namespace; on older nodes the kubelet treats it as unsafe"))
                }
            } else if allowedOnNodes(dotted) {
                file.findings.append(finding("k8s-unsafe-sysctl", .info, key: dotted, value: value, at: nameTree, path: path,
                    "\(dotted) in \(workload) is not in Kubernetes \(version)'s safe set, and the kubelet configuration given allows it: the pod starts on the nodes configured so, and is rejected elsewhere (SysctlForbidden)",
                    fix: "make sure the pod is scheduled only on those nodes (a node selector or taint)"))
            } else {
                let since = KubernetesVersion.firstSafe(dotted).map { " (it is safe from Kubernetes \($0))" } ?? ""
                file.findings.append(finding("k8s-unsafe-sysctl", .warning, key: dotted, value: value, at: nameTree, path: path,
                    "\(dotted) in \(workload) is not in Kubernetes \(version)'s safe set\(since): the pod starts only on nodes whose kubelet lists it in allowedUnsafeSysctls, and elsewhere the kubelet rejects it (SysctlForbidden, \"not allowlisted\")",
                    fix: "allow it on the nodes that run this pod (kubelet --allowed-unsafe-sysctls / allowedUnsafeSysctls) and schedule the pod there, or give --kubernetes for the cluster's version"))
            }
        }
        return file
    }

    private func finding(_ rule: String, _ severity: Severity, key: String? = nil, value: String? = nil, at tree: YAMLTree,
                         path: String, _ message: String, fix: String? = nil) -> Finding {
        Finding(rule: rule, severity: severity, key: key, value: value,
                location: SourceLocation(file: path, line: tree.line, column: tree.column), message: message, fix: fix)
    }
}
