import ArgumentParser
import Foundation
import SysctlLint

let SysctlLintVersion_current = SysctlLintVersion.current

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, gcc, github, sarif, gitlab, junit, checkstyle

    /// Without --format: annotations inside GitHub Actions, the human report elsewhere.
    static func chosen(_ explicit: OutputFormat?) -> OutputFormat {
        if let explicit { return explicit }
        return ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" ? .github : .text
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
extension EvaluatedState: ExpressibleByArgument {}
extension SnapshotFormat: ExpressibleByArgument {}

/// Options shared by the commands that lint files.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("sysctl.conf files, each checked on its own (see --stack); a directory is read as one sysctl.d folder.", valueName: "file"))
    var files: [String] = []

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

    /// Each argument read and parsed, in the order given, then the tree.
    private func arguments(project: ProjectConfig?) -> [Configuration] {
        let reader = InputReader()
        let parser = ConfigParser()
        var units: [Configuration] = []
        var problems: [String] = []
        for path in files {
            do {
                let texts = path == "-" ? [try reader.readStandardInput(name: stdinFilename ?? "<stdin>")] : try reader.read(path)
                units.append((texts.map(parser.parse), []))
            } catch {
                problems.append(error.description)
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
        return units
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
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}

/// Columns of the terminal on standard output, or nil for a pipe or file (reports there are never wrapped).
func terminalWidth() -> Int? {
    guard isatty(STDOUT_FILENO) != 0 else { return nil }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init)
}
