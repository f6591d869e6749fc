import DataTree

/// Docker Compose files: `services.<name>.sysctls` as a mapping (`net.core.somaxconn: 1024`) or a list
/// (`- net.core.somaxconn=1024`), the two forms of the Compose specification. Each service is a unit: it runs in
/// its own namespaces. A container can set only keys of its own namespaces: runc (libcontainer/configs/validate
/// `sysctl`) accepts the IPC keys `kernel.msgmax`, `kernel.msgmnb`, `kernel.msgmni`, `kernel.sem`, `kernel.shmall`,
/// `kernel.shmmax`, `kernel.shmmni`, `kernel.shm_rmid_forced` and `fs.mqueue.*`, `net.*` (not in the host's network
/// namespace) and `kernel.domainname`, and refuses the rest when the container starts; `docker run --sysctl` checks
/// the same list earlier (docker/cli opts.ValidateSysctl, without `kernel.domainname`).
struct ComposeSource {
    static let ipcKeys: Set<String> = ["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                                       "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"]

    func parse(_ documents: [YAMLTree], path: String) -> [ParsedFile] {
        var files: [ParsedFile] = []
        for document in documents {
            guard case .mapping(let services)? = YAMLAssignments.value(document, "services")?.content else { continue }
            for service in services {
                files.append(self.service(service.key, service.value, path: path))
            }
        }
        return files.isEmpty ? [ParsedFile(path: path)] : files
    }

    private func service(_ name: String, _ tree: YAMLTree, path: String) -> ParsedFile {
        var file = ParsedFile(path: path)
        file.workload = "service \(name)"
        guard let sysctls = YAMLAssignments.value(tree, "sysctls") else { return file }
        let hostNetwork = YAMLAssignments.scalar(YAMLAssignments.value(tree, "network_mode")) == "host"
        var entries: [(key: String, value: String, at: YAMLTree)] = []
        switch sysctls.content {
        case .mapping(let pairs):
            for pair in pairs {
                entries.append((pair.key, YAMLAssignments.scalar(pair.value) ?? "", pair.value.line == pair.keyTree.line ? pair.value : pair.keyTree))
            }
        case .sequence(let items):
            for item in items {
                guard let text = YAMLAssignments.scalar(item), let equals = text.firstIndex(of: "=") else {
                    file.findings.append(Finding(rule: "source-invalid", severity: .error, location: location(item, path),
                        message: "a sysctls entry of service \(name) that is not KEY=VALUE; docker compose rejects the file"))
                    continue
                }
                entries.append((String(text[..<equals]).trimmingSpaces(), String(text[text.index(after: equals)...]).trimmingSpaces(), item))
            }
        case .scalar:
            file.findings.append(Finding(rule: "source-invalid", severity: .error, location: location(sysctls, path),
                message: "sysctls of service \(name) must be a mapping or a list of KEY=VALUE; docker compose rejects the file"))
        }
        for entry in entries {
            if YAMLAssignments.isTemplated(entry.value) || entry.value.contains("${") {
                file.findings.append(Finding(rule: "source-not-checkable", severity: .info, key: entry.key, value: entry.value, location: location(entry.at, path),
                    message: "\(entry.key) = \(entry.value) in service \(name) comes from a variable; its value is not guessed, so it is not checked"))
                continue
            }
            let dotted = SysctlKey(entry.key).name
            file.statements.append(.assignment(YAMLAssignments.assignment(key: entry.key, value: entry.value, at: entry.at, path: path)))
            if !(dotted.hasPrefix("net.") || dotted.hasPrefix("fs.mqueue.") || Self.ipcKeys.contains(dotted) || dotted == "kernel.domainname") {
                file.findings.append(Finding(rule: "docker-sysctl-not-allowed", severity: .error, key: dotted, value: entry.value, location: location(entry.at, path),
                    message: "\(dotted) is not in a namespace of its own, so service \(name) cannot set it: the container fails to start (runc refuses a sysctl outside the container's namespaces); only net.*, fs.mqueue.* and the IPC kernel.shm*/msg*/sem keys can be set per container",
                    fix: "set it on the host instead"))
            } else if dotted.hasPrefix("net.") && hostNetwork {
                file.findings.append(Finding(rule: "docker-host-network-sysctl", severity: .error, key: dotted, value: entry.value, location: location(entry.at, path),
                    message: "service \(name) uses network_mode: host, so \(dotted) would set the host's own network namespace: the container fails to start (runc: \"sysctl … not allowed in host network namespace\")",
                    fix: "drop network_mode: host, or tune the host instead"))
            }
        }
        return file
    }

    private func location(_ tree: YAMLTree, _ path: String) -> SourceLocation {
        SourceLocation(file: path, line: tree.line, column: tree.column)
    }
}
