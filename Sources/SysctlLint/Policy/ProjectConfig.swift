import DataTree
import Foundation

/// `.sysctl-lint.yaml`: a repository's settings, so that CI, pre-commit and a person at the terminal run the same
/// check. Command-line options win over the file. Every setting is optional; an unknown or misspelled one is an
/// error with its position, never silently ignored.
public struct ProjectConfig: Sendable {
    public static let fileName = ".sysctl-lint.yaml"

    /// The file it came from; relative paths in it are relative to its folder.
    public var file: String
    public var kernel: KernelVersion?
    public var loader: LoaderKind?
    public var failLevel: FailLevel?
    /// When given, only these rules report.
    public var select: [RuleSelector]?
    public var ignore: [RuleSelector] = []
    /// Path pattern → rules that do not report in matching files.
    public var perPathIgnores: [(pattern: String, rules: [RuleSelector])] = []
    /// Rule → the severity it reports with in this project.
    public var severity: [(rule: RuleSelector, severity: Severity)] = []
    /// Extra rule files or folders, as absolute or config-relative paths resolved against `directory`.
    public var rules: [String] = []
    /// The repository the files in `rules` must stay in (links inside a rules folder included).
    public var rulesBoundary: String?

    public var directory: String { ReportPaths.folder(of: file) }

    static let fields = ["kernel", "loader", "fail-level", "select", "ignore", "per-path-ignores", "severity", "rules"]

    /// Reads and checks the file's shape. Rule names are checked later, against the rules in force
    /// (`validateRules`), because `rules:` may add some.
    public static func load(path: String) throws(DataFileProblem) -> ProjectConfig {
        if let problem = RegularFile.problem(with: path) {
            throw DataFileProblem(file: path, line: nil, column: nil, message: problem)
        }
        // Bounded: a /proc file passes the size check above (stat says 0 bytes) and can be endless.
        guard let bytes = try? RegularFile.bytes(atPath: path, limit: RegularFile.dataFileSizeLimit) else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "cannot read the project file")
        }
        guard bytes.count <= RegularFile.dataFileSizeLimit else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "is more than the \(RegularFile.dataFileSizeLimit)-byte limit")
        }
        let data = Data(bytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "the project file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(DataFileProblem) -> ProjectConfig {
        var config = ProjectConfig(file: file)
        guard let tree = try YAMLTree.parse(text, file: file) else { return config }  // an empty file: all defaults
        let fields = try tree.fields(file, what: "the project file", allowed: Self.fields)
        if let node = fields["kernel"] {
            let text = try node.string(file, what: "kernel")
            guard let version = KernelVersion(text) else { throw node.problem(file, "kernel: '\(text)' is not a version such as 6.8 or 4.19.0") }
            config.kernel = version
        }
        if let node = fields["loader"] {
            config.loader = try choice(node, file: file, what: "loader", LoaderKind.self)
        }
        if let node = fields["fail-level"] {
            config.failLevel = try choice(node, file: file, what: "fail-level", FailLevel.self)
        }
        if let node = fields["select"] { config.select = try selectors(node, file: file, what: "select") }
        if let node = fields["ignore"] { config.ignore = try selectors(node, file: file, what: "ignore") }
        if let node = fields["per-path-ignores"] {
            guard case .mapping(let pairs) = node.content else {
                throw node.problem(file, "per-path-ignores must map path patterns to rules, e.g. 'etc/sysctl.d/50-vendor.conf: [vendor-key]'")
            }
            var entries = 0
            for pair in pairs {
                let rules = try selectors(pair.value, file: file, what: "per-path-ignores '\(pair.key)'")
                entries += 1 + rules.count
                if entries > entryLimit { throw pair.keyTree.problem(file, tooMany("per-path-ignores")) }
                config.perPathIgnores.append((pair.key, rules))
            }
        }
        if let node = fields["severity"] {
            guard case .mapping(let pairs) = node.content else {
                throw node.problem(file, "severity must map rules to error, warning or info, e.g. 'tcp-slow-start-after-idle-off: warning'")
            }
            if pairs.count > entryLimit { throw node.problem(file, tooMany("severity")) }
            for pair in pairs {
                let level = try choice(pair.value, file: file, what: "severity of '\(pair.key)'", Severity.self)
                config.severity.append((RuleSelector(pair.key, line: pair.keyTree.line, column: pair.keyTree.column), level))
            }
        }
        if let node = fields["rules"] {
            // A repository's rule files live in the repository: an absolute path, `..` or a link out of it could make
            // a checked-out project read (and quote in errors) any file the user can read.
            let boundary = ProjectFileSafety.boundary(of: file)
            config.rulesBoundary = boundary
            let entries = try node.sequenceOrScalar(file, what: "rules")
            if entries.count > entryLimit { throw node.problem(file, tooMany("rules")) }
            for entry in entries {
                let path = try entry.string(file, what: "each entry of rules")
                let joined = path.hasPrefix("/") ? path : (config.directory as NSString).appendingPathComponent(path)
                guard let inside = ProjectFileSafety.contained(joined, in: boundary) else {
                    throw entry.problem(file, "rules: '\(path)' is outside this repository (\(boundary)); give rule files from elsewhere with --rules")
                }
                if !config.rules.contains(inside) { config.rules.append(inside) }  // a file listed twice is read once
            }
        }
        return config
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLTree, file: String, what: String, _: T.Type) throws(DataFileProblem) -> T where T.RawValue == String {
        let text = try node.string(file, what: what)
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue)
            let hint = Suggest.closest(to: text, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw node.problem(file, "\(what): '\(text)' is not one of \(allowed.joined(separator: ", "))\(hint)")
        }
        return value
    }

    /// Each list in a project file holds at most this many entries: every finding is matched against them, so a
    /// generated project file with millions would make every run crawl.
    public static let entryLimit = 1000

    private static func tooMany(_ what: String) -> String {
        "\(what) lists more than \(entryLimit) entries; a project file names families of rules (`tcp-retries`) and path patterns (`etc/**`) rather than every case"
    }

    private static func selectors(_ node: YAMLTree, file: String, what: String) throws(DataFileProblem) -> [RuleSelector] {
        switch node.content {
        case .scalar(let text, _, _): return [RuleSelector(text, line: node.line, column: node.column)]
        case .sequence(let items):
            if items.count > entryLimit { throw node.problem(file, tooMany(what)) }
            var result: [RuleSelector] = []
            for item in items {
                result.append(RuleSelector(try item.string(file, what: "each entry of \(what)"), line: item.line, column: item.column))
            }
            return result
        case .mapping: throw node.problem(file, "\(what) must be a rule id or a list of them")
        }
    }

    /// Every selector must name at least one rule in force: a misspelt id would otherwise silence nothing.
    public func validateRules(_ ids: [String]) throws(DataFileProblem) {
        let all = (select ?? []) + ignore + perPathIgnores.flatMap(\.rules) + severity.map(\.rule)
        for selector in all where !ids.contains(where: selector.matches) {
            let hint = Suggest.closest(to: selector.text, among: ids).map { " (did you mean '\($0)'?)" } ?? ""
            throw DataFileProblem(file: file, line: selector.line, column: selector.column,
                                  message: "'\(selector.text)' names no rule\(hint); `sysctl-lint rules` lists them")
        }
    }

    /// The project file that applies to `path`: the nearest `.sysctl-lint.yaml` in its folder or above, stopping at
    /// the repository root (a folder with `.git`) or the filesystem root.
    public static func discover(from path: String, fileManager: FileManager = .default) -> String? {
        var directory = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if !(fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            directory.deleteLastPathComponent()
        }
        for folder in enclosingFolders(from: directory) {
            let candidate = folder.appendingPathComponent(fileName).path
            if fileManager.fileExists(atPath: candidate) { return candidate }
            if isRepositoryRoot(folder, fileManager: fileManager) { return nil }
        }
        return nil
    }

    /// `directory`, its parent, and so on up to the filesystem root. A relative directory (the working directory
    /// was deleted, so a relative path could not be made absolute) is the only folder: its parents would be `..`,
    /// `../..` and so on without end.
    static func enclosingFolders(from directory: URL) -> [URL] {
        var folders = [directory]
        guard directory.path.hasPrefix("/") else { return folders }
        while let last = folders.last, last.deletingLastPathComponent().path != last.path {
            folders.append(last.deletingLastPathComponent())
        }
        return folders
    }

    static func isRepositoryRoot(_ folder: URL, fileManager: FileManager) -> Bool {
        fileManager.fileExists(atPath: folder.appendingPathComponent(".git").path)
    }
}
