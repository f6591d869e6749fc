import Foundation
import SysctlLint

/// Files the tool writes whole (a baseline, a starter project file): written beside their name and renamed into
/// place, so a reader never sees half of one.
enum AtomicFile {
    /// Writes `data` to `path`, or says why it could not. A relative path is resolved through the working
    /// directory, and when that was deleted Foundation calls the path's URL an unsupported type: said plainly.
    static func write(_ data: Data, to path: String) -> String? {
        if !path.hasPrefix("/"), ReportPaths.workingDirectoryIsGone { return "the working directory no longer exists" }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return nil
        } catch {
            return error.localizedDescription
        }
    }
}
