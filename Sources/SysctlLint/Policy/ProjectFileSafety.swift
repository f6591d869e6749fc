import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a project file found by searching upward may be applied. A `.sysctl-lint.yaml` can silence every
/// finding, so one planted in a folder other users can write to (`/tmp`, a shared checkout) or owned by another
/// user is not applied unless named with `--config`, as git refuses repositories in unsafe directories.
public enum ProjectFileSafety {
    /// Why the file must not be applied, or nil when it is safe.
    public static func problem(with path: String) -> String? {
        let me = geteuid()
        var file = stat()
        guard lstat(path, &file) == 0 else { return nil }  // unreadable files fail later, with their own message
        if file.st_mode & S_IFMT == S_IFLNK {
            // A link's own mode is always rwx for all and means nothing; who made it, and what it points to, do.
            if file.st_uid != me && file.st_uid != 0 { return "it is a link made by another user (uid \(file.st_uid))" }
            guard stat(path, &file) == 0 else { return nil }
        }
        if file.st_uid != me && file.st_uid != 0 { return "it belongs to another user (uid \(file.st_uid))" }
        if file.st_mode & S_IWOTH != 0 { return "other users can write to it" }
        let folder = (path as NSString).deletingLastPathComponent
        var directory = stat()
        guard stat(folder.isEmpty ? "." : folder, &directory) == 0 else { return nil }
        if directory.st_mode & S_IWOTH != 0 { return "its folder \(folder) is writable by other users" }
        if directory.st_uid != me && directory.st_uid != 0 { return "its folder \(folder) belongs to another user (uid \(directory.st_uid))" }
        return nil
    }

    /// The repository a project file belongs to: the nearest folder above it holding `.git`, else its own folder.
    /// Paths in its `rules:` must stay inside; rule files from anywhere else come only from `--rules`.
    public static func boundary(of projectFile: String, fileManager: FileManager = .default) -> String {
        let start = URL(fileURLWithPath: projectFile).standardizedFileURL.deletingLastPathComponent()
        let root = ProjectConfig.enclosingFolders(from: start).first { ProjectConfig.isRepositoryRoot($0, fileManager: fileManager) }
        return (root ?? start).path
    }

    /// `path` with links and `..` resolved, when it is inside `boundary` (itself resolved); nil otherwise.
    public static func contained(_ path: String, in boundary: String) -> String? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        let root = URL(fileURLWithPath: boundary).resolvingSymlinksInPath().standardizedFileURL.path
        return resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") ? resolved : nil
    }
}
