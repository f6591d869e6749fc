import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks every file the tool reads whole goes through: a FIFO would block the run forever, a device can be
/// endless, and data files (rules, project file, baseline) have a size no real one approaches.
public enum RegularFile {
    /// The size limit of rule files, project files and baselines.
    public static let dataFileSizeLimit = 16 * 1024 * 1024

    /// Why `path` cannot be read as a data file, or nil when it can (missing files are left to the reader).
    public static func problem(with path: String, sizeLimit: Int = dataFileSizeLimit) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return problem(with: status, sizeLimit: sizeLimit)
    }

    /// The same, for a file already stat-ed.
    static func problem(with status: stat, sizeLimit: Int = dataFileSizeLimit) -> String? {
        if status.st_mode & S_IFMT == S_IFDIR { return "is a directory" }
        if status.st_mode & S_IFMT != S_IFREG {
            return "is not a regular file (a FIFO, socket or device); sysctl-lint reads regular files, and - for standard input"
        }
        if Int(status.st_size) > sizeLimit { return "is \(status.st_size) bytes, more than the \(sizeLimit)-byte limit" }
        return nil
    }

    /// Whether `path` names a directory (links followed), by stat(2): `FileManager.default` costs a small run more
    /// on its first use than reading its file.
    public static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Why a read failed: the file could not be opened, or reading it failed; each with the system's reason.
    public enum ReadFailure: Error {
        case open(String)
        case read(String)
    }

    /// At most `limit + 1` bytes of `path`, read with read(2): one byte past the limit tells a caller the file is
    /// too large, and a file whose size stat(2) does not tell (anything under /proc, which can be endless, such as
    /// /proc/self/pagemap) cannot make the run read forever.
    /// `expectedSize` (the size stat(2) gave, if known) is room made first, so that a large file is not copied
    /// again each time the array grows; the file is still read to its end or to the limit, whatever it holds now.
    public static func bytes(atPath path: String, limit: Int, expectedSize: Int = 0) throws(ReadFailure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .open(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(expectedSize, 0), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, wanted) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .read(String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }
}
