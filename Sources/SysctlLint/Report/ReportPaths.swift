import Foundation

/// Paths as CI systems want them: relative to the repository root (the working directory by default), so that
/// code scanning and merge-request widgets can link findings to files and keep them stable between runs.
public struct ReportPaths: Sendable {
    /// Absolute directory that paths are made relative to.
    public var base: String

    public init(base: String = FileManager.default.currentDirectoryPath) {
        self.base = base.hasSuffix("/") && base.count > 1 ? String(base.dropLast()) : base
    }

    /// `base/etc/x.conf` → `etc/x.conf`; `./x.conf` → `x.conf`; paths outside `base` stay as given.
    public func relative(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        if path.hasPrefix("/") {
            let prefix = base == "/" ? "/" : base + "/"
            if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        }
        return path
    }

    /// True when `relative(path)` is still absolute (a file outside the repository).
    public func isOutside(_ path: String) -> Bool { relative(path).hasPrefix("/") }
}
