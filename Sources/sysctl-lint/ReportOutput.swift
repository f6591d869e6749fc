import Foundation
import SysctlLint

/// Where a report goes: standard output, or `--output-file`, which is written beside its final name and renamed
/// into place when the run ends, so a reader never sees half a report and a failed run leaves the old one (and no
/// temporary file: one not yet renamed is removed at exit). A link is followed, so it keeps naming the report; a
/// device or FIFO (`/dev/null`, `/dev/stdout`) is written in place, never replaced by a file.
final class ReportOutput: ReportDestination {
    private let path: String?
    /// The file renamed into place at the end, and its final name; nil when writing in place.
    private let temporary: String?
    private let destination: String?
    private let descriptor: Int32

    init(path: String?, inputs: [String]) {
        self.path = path
        guard let path else {
            temporary = nil
            destination = nil
            descriptor = STDOUT_FILENO
            return
        }
        // A trailing `/` names a directory, whatever exists there; an empty name names nothing.
        if path.isEmpty || path.hasSuffix("/") { fail(["\(path): --output-file needs the name of a file"]) }
        let target = Self.resolved(path)
        if inputs.contains(where: { Self.resolved($0) == target }) {
            fail(["\(path): --output-file names an input; sysctl-lint never writes to what it reads"])
        }
        var status = stat()
        if stat(target, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            if status.st_mode & S_IFMT == S_IFDIR { fail(["\(path): --output-file names a directory"]) }
            let descriptor = open(target, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { fail(["\(path): cannot write the report here: \(String(cString: strerror(errno)))"]) }
            temporary = nil
            destination = nil
            self.descriptor = descriptor
            return
        }
        let temporary = target + ".sysctl-lint-\(getpid()).tmp"
        // O_EXCL: a link planted under the temporary name is not followed.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { fail(["\(path): cannot write the report here: \(String(cString: strerror(errno)))"]) }
        Self.removeAtExit(temporary)
        self.temporary = temporary
        destination = target
        self.descriptor = descriptor
    }

    /// A chunk of the report, written with write(2): no copy into `Data` on the way.
    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                fail(["\(path ?? "standard output"): cannot write the report: \(String(cString: strerror(errno)))"])
            }
            offset += written
        }
    }

    /// Moves the finished report into place.
    func finish() {
        guard let path else { return }
        close(descriptor)
        guard let temporary, let destination else { return }
        guard rename(temporary, destination) == 0 else {
            fail(["\(path): cannot write the report: \(String(cString: strerror(errno)))"])
        }
        Self.removeAtExit(nil)
    }

    /// The file a path names, links resolved (the folder's, when the file does not exist yet).
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let folder = realpath(url.deletingLastPathComponent().path, nil) else { return url.path }
        defer { free(folder) }
        return URL(fileURLWithPath: String(cString: folder)).appendingPathComponent(url.lastPathComponent).path
    }

    // The temporary file of a report still being written, removed by the exit handler if the run stops first
    // (`fail` exits with status 2 from anywhere). The command line is single-threaded.
    private nonisolated(unsafe) static var pendingTemporary: String?
    private nonisolated(unsafe) static var exitHandlerInstalled = false

    private static func removeAtExit(_ temporary: String?) {
        pendingTemporary = temporary
        guard !exitHandlerInstalled else { return }
        exitHandlerInstalled = true
        atexit {
            if let pending = ReportOutput.pendingTemporary { unlink(pending) }
        }
    }
}
