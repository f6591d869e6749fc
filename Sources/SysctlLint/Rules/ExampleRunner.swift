import Foundation

/// Runs a rule's example through the whole flow, the way a user would meet it: a config file, a filesystem root
/// loaded by a boot-time loader, or running values (with or without configuration, for drift).
public struct ExampleRunner: Sendable {
    public let linter: Linter

    public init(knowledge: Knowledge) {
        linter = Linter(knowledge: knowledge)
    }

    public func run(_ example: RuleExample, kernel: KernelVersion) throws -> LintResult {
        if !example.evidence.isEmpty || !example.proc.isEmpty { return try runSockets(example, kernel: kernel) }
        if !example.source.isEmpty {
            // Each workload is linted on its own, as the CLI does, node files beside containers noted as it does;
            // the findings are pooled.
            let units = example.source.flatMap { ConfigSources().parse(SourceText(path: $0.path, text: $0.content)) }
            let containers = units.contains { $0.workload != nil }
            let results = units.map { unit in
                linter.lint(LintRequest(config: [unit], findings: containers && unit.workload == nil ? NamespaceModel.unreached(in: [unit], kernel: kernel) : [],
                                        kernel: kernel))
            }
            guard var pooled = results.first else { return linter.lint(LintRequest(kernel: kernel)) }
            pooled.findings = results.flatMap(\.findings)
            return pooled
        }
        let parser = ConfigParser()
        var request = LintRequest(kernel: kernel)
        if !example.config.isEmpty || (example.tree.isEmpty && example.runtime == nil) {
            request.config.append(parser.parse(SourceText(path: "example.conf", text: example.text)))
        }
        if let runtime = example.runtime {
            request.runtime = SysctlDumpReader().read(text: runtime, source: "snapshot.txt")
        }
        guard !example.tree.isEmpty else { return linter.lint(request) }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-lint-example-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.materialise(example.tree, at: root)
        let tree = ConfigTreeLoader(root: root, loader: example.loader).load()
        request.config += tree.sources.map(parser.parse)
        request.findings += tree.findings
        return linter.lint(request)
    }

    /// A socket-evidence example: its files saved in a folder and read as `sockets --evidence` reads one.
    private func runSockets(_ example: RuleExample, kernel: KernelVersion) throws -> LintResult {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-lint-evidence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let evidence: Evidence
        if example.proc.isEmpty {
            try Self.materialise(example.evidence, at: root)
            evidence = try EvidenceCollector.saved(root)
        } else {
            try Self.materialise(example.proc, at: root)
            evidence = EvidenceCollector.live(proc: root)
        }
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: linter.knowledge, kernel: kernel)
        var result = verdicts.model
        result.findings = verdicts.findings + evidence.notes
        return result
    }

    /// Writes `entries` under `root`: `-> target` makes a symbolic link, `<dir>` a directory, anything else a file.
    public static func materialise(_ entries: [RuleExample.TreeEntry], at root: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: root, withIntermediateDirectories: true)
        for entry in entries {
            let path = root + "/" + entry.path.drop { $0 == "/" }
            try fileManager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if entry.content.hasPrefix("-> ") {
                try fileManager.createSymbolicLink(atPath: path, withDestinationPath: String(entry.content.dropFirst(3)))
            } else if entry.content == "<dir>" {
                try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } else {
                try Data(entry.content.utf8).write(to: URL(fileURLWithPath: path))
            }
        }
    }
}
