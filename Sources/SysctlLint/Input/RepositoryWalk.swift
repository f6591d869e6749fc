import Foundation

/// The files of a configuration repository that can set sysctls, for `sysctl-lint .`: sysctl files (`*.conf` in a
/// `sysctl.d` folder, `sysctl.conf`, `*.sysctl`), and YAML files (Kubernetes manifests, Compose files, Ansible
/// tasks), found by walking the folder without following links. Folders of other tools' state (`.git`,
/// `node_modules`, `.terraform`, `.build`, `vendor`) are not entered.
public struct RepositoryWalk: Sendable {
    /// Files looked at, at most: a repository is not a filesystem.
    public static let maxFiles = 100_000
    public static let maxDepth = 32
    static let skippedFolders: Set<String> = [".git", ".hg", ".svn", "node_modules", ".terraform", ".build", "vendor", ".venv", "__pycache__"]

    public init() {}

    /// Whether a folder argument is a repository to walk rather than one sysctl.d folder: it holds `.git`, or it
    /// has no `*.conf` file of its own.
    public static func isRepository(_ path: String) -> Bool {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: (path as NSString).appendingPathComponent(".git")) { return true }
        let names = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
        return !names.contains { $0.hasSuffix(".conf") }
    }

    /// The candidate files under `root`, sorted, and whether the walk stopped at `maxFiles`.
    public func files(under root: String) -> (paths: [String], truncated: Bool) {
        var found: [String] = []
        var pending: [(path: String, depth: Int)] = [(root, 0)]
        var looked = 0
        let fileManager = FileManager.default
        while let (folder, depth) = pending.popLast() {
            guard let names = try? fileManager.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                looked += 1
                if looked > Self.maxFiles { return (found.sorted(), true) }
                let path = folder == "." ? name : (folder as NSString).appendingPathComponent(name)
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR {
                    if depth < Self.maxDepth && !Self.skippedFolders.contains(name) { pending.append((path, depth + 1)) }
                } else if info.st_mode & S_IFMT == S_IFREG, Self.isCandidate(path) {
                    found.append(path)
                }
            }
        }
        return (found.sorted(), false)
    }

    /// Names that can hold sysctls.
    static func isCandidate(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        if name == "sysctl.conf" || name.hasSuffix(".sysctl") || name == "tuned.conf" || name.hasSuffix(".nix") { return true }
        if name.hasSuffix(".conf.j2") && path.contains("sysctl") { return true }
        if name.hasSuffix(".conf") && path.split(separator: "/").dropLast().last == "sysctl.d" { return true }
        return name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }
}
