import Foundation

/// Reads a /proc/sys tree: this machine's (`--live`) or a copy saved as a directory. Every readable file is a key;
/// write-only keys and files that refuse to be read are noted, not fatal.
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
        for relative in walk(directory) {
            let path = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            let key = RuntimeSnapshot.key(forProcPath: relative)
            // Each key is a file of its own: findings point at it.
            let location = SourceLocation(file: path, line: 1, column: 1)
            let attributes = try? fileManager.attributesOfItem(atPath: path)
            if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o444 == 0 {
                snapshot.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, key: key, location: location,
                                              message: "\(key) is write-only (a trigger such as a cache flush); it has no value to check"))
                continue
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                snapshot.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, key: key, location: location,
                                              message: "permission denied on \(key); run as root to include it"))
                continue
            }
            let data: Data?
            do { data = try handle.read(upToCount: Self.valueLimit) } catch {
                try? handle.close()
                snapshot.notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, key: key, location: location,
                                              message: "\(key) could not be read (\(RootedFileSystem.reason(error))); skipped"))
                continue
            }
            try? handle.close()
            var value = String(decoding: data ?? Data(), as: UTF8.self)
            if value.hasSuffix("\n") { value.removeLast() }
            snapshot.entries.append(RuntimeSnapshot.Entry(key: key, value: value, line: 1, file: path))
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
