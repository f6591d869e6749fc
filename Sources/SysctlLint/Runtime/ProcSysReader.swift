import Foundation

/// Reads a /proc/sys tree: this machine's (`--live`) or a copy saved as a directory. Every readable file is a key.
/// Keys that are unreadable on every healthy host (write-only triggers such as `vm.drop_caches`, an unset IPv6
/// `stable_secret`, which answers EIO) are skipped silently; other unreadable keys are summed up in one note.
public struct ProcSysReader: Sendable {
    /// No sysctl value comes near this; it bounds what one odd file can cost.
    static let valueLimit = 1 << 20

    public init() {}

    public func read(directory: String, source: String? = nil) throws(InputProblem) -> RuntimeSnapshot {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputProblem(path: directory, message: "no such directory")
        }
        var snapshot = RuntimeSnapshot(source: source ?? directory)
        var unreadable: [(key: String, reason: String, path: String)] = []
        var total = 0
        for relative in walk(directory) {
            // A real /proc/sys holds well under a megabyte of values; a copy of many large files is cut.
            if total > InputReader.defaultSizeLimit {
                snapshot.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: directory, line: 1, column: 1),
                                              message: "the values of this /proc/sys copy add up to more than \(InputReader.defaultSizeLimit / 1024 / 1024) MiB, far more than a kernel's; the rest were not read"))
                break
            }
            let path = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            let key = RuntimeSnapshot.key(forProcPath: relative)
            let attributes = try? fileManager.attributesOfItem(atPath: path)
            if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o444 == 0 {
                continue  // a trigger (route/flush, drop_caches, compact_memory): it has no value
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                unreadable.append((key, "permission denied", path))
                continue
            }
            let data: Data?
            do { data = try handle.read(upToCount: Self.valueLimit) } catch {
                try? handle.close()
                if !key.hasSuffix(".stable_secret") { unreadable.append((key, RootedFileSystem.reason(error), path)) }
                continue
            }
            try? handle.close()
            total = total.saturatingAdd(data?.count ?? 0)
            var value = String(decoding: data ?? Data(), as: UTF8.self)
            if value.hasSuffix("\n") { value.removeLast() }
            snapshot.add(RuntimeSnapshot.Entry(key: key, value: value, line: 1, file: path))
        }
        if let first = unreadable.first {
            let named = unreadable.prefix(3).map { "\($0.key) (\($0.reason))" }.joined(separator: ", ")
            let more = unreadable.count > 3 ? " and \(unreadable.count - 3) more" : ""
            let rootHint = unreadable.contains { $0.reason == "permission denied" } ? "; run as root to include them" : ""
            snapshot.note(Finding(
                rule: "snapshot-unreadable-key", severity: .info, key: unreadable.count == 1 ? first.key : nil,
                location: SourceLocation(file: first.path, line: 1, column: 1),
                message: "\(unreadable.count) key\(unreadable.count == 1 ? "" : "s") could not be read and were skipped: \(named)\(more)\(rootHint)"))
        }
        return snapshot
    }

    /// Regular files below `directory`, sorted, without following links.
    private func walk(_ directory: String) -> [String] {
        var files: [String] = []
        var pending = [""]
        let fileManager = FileManager.default
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            guard let names = try? fileManager.contentsOfDirectory(atPath: path) else { continue }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                let type = (try? fileManager.attributesOfItem(atPath: directory + "/" + child))?[.type] as? FileAttributeType
                if type == .typeDirectory { pending.append(child) } else if type == .typeRegular { files.append(child) }
            }
        }
        return files.sorted()
    }

    /// This machine's values and, from them, its kernel release.
    public func readLive() throws(InputProblem) -> RuntimeSnapshot {
        try read(directory: "/proc/sys", source: "/proc/sys")
    }
}
