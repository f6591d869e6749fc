import Foundation

/// Paths as CI systems want them: relative to the repository root (the working directory by default), so that
/// code scanning and merge-request widgets can link findings to files and keep them stable between runs.
public struct ReportPaths: Sendable {
    /// Absolute directory that paths are made relative to.
    public var base: String
    /// Where relative input paths start (the working directory of the run).
    public var workingDirectory: String

    public init(base: String? = nil, workingDirectory: String = ReportPaths.currentDirectory()) {
        self.workingDirectory = workingDirectory
        let base = base ?? workingDirectory
        self.base = base.hasPrefix("/") ? Self.normalise(base) : Self.normalise(workingDirectory + "/" + base)
    }

    /// The working directory, from getcwd(3): the first use of `FileManager.default` costs a small run more than
    /// its whole lint, and nothing else in such a run needs it.
    public static func currentDirectory() -> String {
        workingDirectory().path ?? FileManager.default.currentDirectoryPath
    }

    /// Whether the working directory was deleted (getcwd(3) says so), which leaves relative paths naming nothing.
    public static var workingDirectoryIsGone: Bool { workingDirectory().error == ENOENT }

    /// getcwd(3): the working directory, or the error it gave.
    private static func workingDirectory() -> (path: String?, error: Int32) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return (nil, errno) }
        return (buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, 0)
    }

    /// Paths relative to the folder holding `file` (a project file, a baseline), wherever the run starts.
    public init(folderOf file: String) {
        self.init(base: Self.folder(of: file))
    }

    /// The folder of a file path as written: `a/b.yaml` → `a`, `b.yaml` → `.`.
    public static func folder(of file: String) -> String {
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// `base/etc/x.conf` → `etc/x.conf`; `./x.conf` → `x.conf`; paths outside `base` become absolute.
    public func relative(_ path: String) -> String {
        guard !path.isEmpty else { return path }
        let absolute = Self.normalise(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
        if absolute == base { return "." }
        let prefix = base == "/" ? "/" : base + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    /// True when `relative(path)` is still absolute (a file outside the repository).
    public func isOutside(_ path: String) -> Bool { relative(path).hasPrefix("/") }

    /// Drops `.` segments and resolves `..` textually, without touching the filesystem (links stay as written).
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
