import ArgumentParser
import Foundation
import SysctlLint

let SysctlLintVersion_current = SysctlLintVersion.current

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, gcc, github, sarif, gitlab, junit, checkstyle

    /// Without --format: annotations inside GitHub Actions, the human report elsewhere.
    static func chosen(_ explicit: OutputFormat?) -> OutputFormat {
        if let explicit { return explicit }
        return environment("GITHUB_ACTIONS") == "true" ? .github : .text
    }
}

extension FailLevel: ExpressibleByArgument {}

enum ColorChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never
}

extension KernelVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Options shared by the commands that read rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("Extra rule file or directory (repeatable). A rule with the id of a shipped one replaces it.", valueName: "path"))
    var rulePaths: [String] = []

    /// The shipped rules plus the project's and the user's; problems go to stderr and end the run with status 2.
    func knowledge(project: ProjectConfig? = nil) throws -> Knowledge {
        do {
            var knowledge = try Knowledge.shipped()
            for path in project?.rules ?? [] { try knowledge.addUserRules(at: path, within: project?.rulesBoundary) }
            for path in rulePaths { try knowledge.addUserRules(at: path) }
            try project?.validateRules(knowledge.rules.map(\.id))
            return knowledge
        } catch {
            fail([error.description])
        }
    }
}

extension LoaderKind: ExpressibleByArgument {}
extension SourceFormat: ExpressibleByArgument {}
extension KubernetesVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
extension EvaluatedState: ExpressibleByArgument {}
extension SnapshotFormat: ExpressibleByArgument {}

/// Options shared by the commands that lint files.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Files to check, each on its own (see --stack): sysctl.conf and sysctl.d files, Kubernetes manifests, Compose files, Ansible tasks, tuned profiles, Talos and kops configs, NixOS files. A folder of *.conf files is one sysctl.d folder; a repository (a folder with .git, or without *.conf files) is searched for every file that sets sysctls.", valueName: "file"))
    var files: [String] = []

    @Option(help: "Read FILE arguments as this format instead of telling it from the name and content: sysctl, kubernetes, compose, ansible, talos, kops, tuned, nixos or jinja.")
    var sourceFormat: SourceFormat?

    @Option(help: ArgumentHelp("Kubernetes version whose safe sysctls pods may use without allowedUnsafeSysctls (default: the newest known).", valueName: "version"))
    var kubernetes: KubernetesVersion?

    @Option(help: ArgumentHelp("Comma-separated sysctls (or prefix* patterns) the nodes' kubelet allows beyond the safe set, as its --allowed-unsafe-sysctls; KubeletConfiguration documents among the inputs count too.", valueName: "names"))
    var allowedUnsafeSysctls: String?

    @Flag(help: "Apply the file arguments in order as one configuration (later files win) instead of checking each on its own.")
    var stack = false

    @Option(help: ArgumentHelp("The name reports give the configuration read from standard input (-).", valueName: "name"))
    var stdinFilename: String?

    @Option(help: ArgumentHelp("Target kernel version, such as 6.12 or 4.9.0 (default: the snapshot's kernel.osrelease, else the newest the model knows).", valueName: "version"))
    var kernel: KernelVersion?

    @Option(help: ArgumentHelp("Treat DIR as a filesystem root and load its sysctl.d directories (and /etc/sysctl.conf) as the boot-time loader would. Links resolve inside DIR.", valueName: "dir"))
    var root: String?

    @Flag(help: "Load this machine's configuration as at boot (the same as --root /).")
    var system = false

    @Option(help: "Whose rules decide which files of a tree apply: systemd (systemd-sysctl, the default) or procps (sysctl --system).")
    var loader: LoaderKind?

    @Flag(help: "Read this machine's running values from /proc/sys; its kernel.osrelease becomes the target kernel.")
    var live = false

    @Option(help: ArgumentHelp("Running values saved elsewhere: sysctl -a output, a copied /proc/sys directory, an osquery system_controls export or node_exporter sysctl metrics; - reads standard input.", valueName: "file"))
    var snapshot: String?

    @Option(help: "Format of --snapshot: auto (decided from the content), sysctl, proc, osquery or node-exporter.")
    var snapshotFormat: SnapshotFormat = .auto

    @Option(help: "Which state rules and figures describe when both configuration and running values are given: config (default) or runtime. Drift is reported either way.")
    var evaluate: EvaluatedState?

    func validate() throws {
        if files.isEmpty && root == nil && !system && !live && snapshot == nil {
            throw ValidationError("give a sysctl file or folder to check, or one of --root, --system, --live, --snapshot")
        }
        if live && snapshot != nil { throw ValidationError("--live and --snapshot both name the running state; give one") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read once") }
        if files.contains("-") && snapshot == "-" { throw ValidationError("- is standard input for one of FILE and --snapshot, not both") }
        if root != nil && system { throw ValidationError("--system is --root /; give one of them") }
    }

    typealias Configuration = (files: [ParsedFile], findings: [Finding])

    /// The configuration to check as one: the files given, then the tree (files first, in the order given).
    func configuration(project: ProjectConfig? = nil) -> Configuration {
        let units = arguments(project: project)
        return (units.flatMap(\.files), units.flatMap(\.findings))
    }

    /// The configurations to check each on its own: every file argument (a directory is one sysctl.d folder) and
    /// the tree. Unrelated files passed together (by pre-commit, by CI) must not override each other; --stack, or
    /// running values to compare with, make them one configuration applied in order.
    func units(project: ProjectConfig? = nil) -> [Configuration] {
        if stack || live || snapshot != nil { return [configuration(project: project)] }
        return arguments(project: project)
    }

    /// What one argument holds, read once: a repository's files, one sysctl.d folder, or a file.
    private enum ReadArgument {
        case repository(root: String, files: [SourceText], readFailed: Bool)
        case sysctlFolder([SourceText])
        case file([SourceText])

        var texts: [SourceText] {
            switch self {
            case .repository(_, let files, _): files
            case .sysctlFolder(let texts), .file(let texts): texts
            }
        }
    }

    /// Each argument read and parsed, in the order given, then the tree.
    private func arguments(project: ProjectConfig?) -> [Configuration] {
        let reader = InputReader()
        var problems: [String] = []
        var read: [ReadArgument] = []
        for path in files {
            let folder = path != "-" && RegularFile.isDirectory(path)
            if folder && RepositoryWalk.isRepository(path) {
                let walk = RepositoryWalk().files(under: path)
                if walk.truncated { warn("\(path): more than \(RepositoryWalk.maxFiles) entries; the rest were not searched") }
                var texts: [SourceText] = []
                var failed = false
                for file in walk.paths {
                    do { texts += try reader.read(file) } catch { problems.append(error.description); failed = true }
                }
                read.append(.repository(root: path, files: texts, readFailed: failed))
                continue
            }
            do {
                let texts = path == "-" ? [try reader.readStandardInput(name: stdinFilename ?? "<stdin>")] : try reader.read(path)
                read.append(folder ? .sysctlFolder(texts) : .file(texts))
            } catch {
                problems.append(error.description)
            }
        }
        // KubeletConfiguration documents among the inputs say what the nodes allow: known before any pod is read.
        var sources = ConfigSources(kubernetes: kubernetes ?? .newest,
                                    allowedUnsafe: (allowedUnsafeSysctls ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        sources.allowedUnsafe += read.flatMap(\.texts).flatMap(ConfigSources.kubeletAllowances)
        var units: [Configuration] = []
        for argument in read {
            switch argument {
            case .repository(let root, let texts, let failed):
                let found = Self.repository(root, texts: texts, sources: sources, format: sourceFormat, readFailed: failed)
                units += found.units
                problems += found.problems
            case .sysctlFolder(let texts):
                units.append((texts.flatMap { sources.parse($0, as: .sysctl) }, []))  // one sysctl.d folder
            case .file(let texts):
                // A manifest of several workloads is several units: each pod or service has its own namespaces.
                units += texts.flatMap { sources.parse($0, as: sourceFormat) }.map { ([$0], []) }
            }
        }
        if let treeRoot = system ? "/" : root {
            do {
                units.append(try Self.tree(at: treeRoot, loader: loader ?? project?.loader ?? .systemd))
            } catch {
                problems.append(error.description)
            }
        }
        if !problems.isEmpty { fail(problems) }
        return Self.notingUnreachedTuning(units, kernel: kernel ?? project?.kernel ?? ParameterCatalogue.newestKnownKernel)
    }

    /// When node files and containers are checked together, the node's tuning of per-namespace keys is noted:
    /// the containers do not get it.
    static func notingUnreachedTuning(_ units: [Configuration], kernel: KernelVersion) -> [Configuration] {
        let hasContainers = units.contains { $0.files.contains { $0.workload != nil } }
        guard hasContainers else { return units }
        return units.map { unit in
            (unit.files, unit.findings + NamespaceModel.unreached(in: unit.files.filter { $0.workload == nil }, kernel: kernel))
        }
    }

    /// Every file of a repository that sets sysctls: the sysctl files of one folder form one unit (a host applies
    /// them together), each workload of a YAML file another. YAML files of other kinds are left alone, and a broken
    /// one only counts when it mentions sysctls.
    static func repository(_ root: String, texts: [SourceText], sources: ConfigSources, format: SourceFormat?,
                           readFailed: Bool = false) -> (units: [Configuration], problems: [String]) {
        var units: [Configuration] = []
        var sysctlFolders: [String: [ParsedFile]] = [:]
        var folderOrder: [String] = []
        for text in texts {
            let path = text.path
            let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
            // --source-format names the format of the YAML files; the others are told by their names.
            if !isYAML && ConfigSources.formatByName(path) == nil {
                let folder = (path as NSString).deletingLastPathComponent
                if sysctlFolders[folder] == nil { folderOrder.append(folder) }
                sysctlFolders[folder, default: []] += sources.parse(text, as: .sysctl)
                continue
            }
            // A YAML file that never mentions sysctls comes back empty from `parse` and is left out here.
            for file in sources.parse(text, as: isYAML ? format : nil) {
                if file.statements.isEmpty && file.findings.allSatisfy({ $0.rule == "source-skipped" }) { continue }
                units.append(([file], []))
            }
        }
        units = folderOrder.map { (sysctlFolders[$0] ?? [], []) } + units
        var problems: [String] = []
        if units.isEmpty && !readFailed {
            problems.append("\(root): no file under it sets sysctls (sysctl.d/*.conf, sysctl.conf, Kubernetes manifests, Compose files or Ansible tasks)")
        }
        return (units, problems)
    }

    /// A filesystem root read as the boot-time loader reads it: the files it applies, parsed, and what it skips.
    static func tree(at root: String, loader: LoaderKind) throws(InputProblem) -> (files: [ParsedFile], findings: [Finding]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputProblem(path: root, message: "is not a directory (--root takes a filesystem root)")
        }
        let tree = ConfigTreeLoader(root: root, loader: loader).load()
        return (tree.sources.map(ConfigParser().parse), tree.findings)
    }

    /// The running state, if one was asked for.
    func runtime() -> SnapshotStream? {
        do {
            if live { return try SnapshotStream.open("/proc/sys", format: .proc) }
            if let snapshot { return try SnapshotStream.open(snapshot, format: snapshotFormat) }
        } catch {
            fail([error.description])
        }
        return nil
    }

    /// One request per host: the configuration is shared, the running values differ.
    func request(config: (files: [ParsedFile], findings: [Finding]), runtime: RuntimeSnapshot?,
                 project: ProjectConfig? = nil) -> LintRequest {
        LintRequest(config: config.files, findings: config.findings, runtime: runtime,
                    evaluate: evaluate ?? .config, kernel: kernel ?? project?.kernel,
                    hostKernel: readsThisMachine ? Self.runningKernel() : nil)
    }

    /// Whether the input is this machine's own state: its configuration tree or its /proc/sys.
    var readsThisMachine: Bool { system || live || root.map { URL(fileURLWithPath: $0).standardizedFileURL.path == "/" } ?? false }

    /// The release this machine runs (`uname -r`), read from /proc/sys/kernel/osrelease.
    static func runningKernel() -> KernelVersion? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) else { return nil }
        return KernelVersion(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Where the project file search starts: the first input named.
    var firstInput: String? {
        files.first { $0 != "-" } ?? root ?? (system ? nil : snapshot.flatMap { $0 == "-" ? nil : $0 })
    }
}

/// Prints a warning that does not stop the run.
/// Prints a report or listing in which no line can be taken for a GitHub workflow command.
func emit(_ text: String) {
    print(DisplayText.neutralizingCommands(text), terminator: "")
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data(("sysctl-lint: warning: " + DisplayText.escaped(message) + "\n").utf8))
}

/// Prints problems that make the run unusable and exits with status 2.
func fail(_ messages: [String]) -> Never {
    for message in messages {
        FileHandle.standardError.write(Data(("sysctl-lint: " + DisplayText.escaped(message) + "\n").utf8))
    }
    exit(2)
}

func useColor(_ choice: ColorChoice) -> Bool {
    switch choice {
    case .always: return true
    case .never: return false
    case .auto:
        if let noColor = environment("NO_COLOR"), !noColor.isEmpty { return false }
        if environment("TERM") == "dumb" { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}

/// Columns of the terminal on standard output, or nil for a pipe or file (reports there are never wrapped).
func terminalWidth() -> Int? {
    guard isatty(STDOUT_FILENO) != 0 else { return nil }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return environment("COLUMNS").flatMap(Int.init)
}

/// One environment variable. `ProcessInfo.environment` copies the whole environment into a dictionary, which
/// costs a typical run a measurable share of its time for the one or two variables it reads.
func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
