#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ties sockets to processes on the running host: every /proc/PID/fd entry that links to `socket:[INODE]` names
/// the process holding that socket (what `ss -p` and `netstat -p` do). Without root, other users' fd folders
/// cannot be read: those processes are counted, and their sockets stay unattributed rather than guessed.
public struct ProcessTable {
    public var owners: [UInt64: ProcessName] = [:]
    public var limits: [ProcessLimits] = []
    public var unreadable = 0

    /// fd entries looked at, at most: a host with millions of open files is still read in bounded time.
    public static let maxDescriptors = 5_000_000

    public init(procRoot: String = "/proc") {
        guard let directory = opendir(procRoot) else { return }
        defer { closedir(directory) }
        var seen = 0, descriptors = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name), pid > 0 else { continue }
            seen += 1
            if seen > EvidenceLimits.maxProcesses { break }
            let base = procRoot + "/" + name
            let command = Self.firstLine(base + "/comm") ?? "pid \(pid)"
            let process = ProcessName(pid: pid, command: command)
            guard let fds = opendir(base + "/fd") else { unreadable += 1; continue }
            var open = 0
            var buffer = [CChar](repeating: 0, count: 64)
            while let fd = readdir(fds) {
                let fdName = withUnsafeBytes(of: fd.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
                guard fdName.first?.isNumber == true else { continue }
                open += 1
                descriptors += 1
                if descriptors > Self.maxDescriptors { break }
                let count = readlink(base + "/fd/" + fdName, &buffer, buffer.count - 1)
                guard count > 8 else { continue }
                let target = buffer.prefix(count).map { UInt8(bitPattern: $0) }
                guard target.starts(with: Array("socket:[".utf8)), target.last == UInt8(ascii: "]"),
                      let inode = UInt64(String(decoding: target.dropFirst(8).dropLast(), as: UTF8.self)) else { continue }
                if owners[inode] == nil { owners[inode] = process }
            }
            closedir(fds)
            if let text = Self.read(base + "/limits", limit: 8192), let nofile = HostFactsReader.openFileLimits(text) {
                limits.append(ProcessLimits(process: process, openFiles: open, softLimit: nofile.soft, hardLimit: nofile.hard))
            }
            if descriptors > Self.maxDescriptors { break }
        }
    }

    static func firstLine(_ path: String) -> String? {
        read(path, limit: 256).map { String($0.prefix { $0 != "\n" }) }
    }

    /// A small /proc file (their size shows as 0, so it is read until the end, up to `limit` bytes).
    static func read(_ path: String, limit: Int) -> String? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, min(4096, limit - bytes.count)) }
            if count <= 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `read(2)`, named apart from `ProcessTable.read(_:limit:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
