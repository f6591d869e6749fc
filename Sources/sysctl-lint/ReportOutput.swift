import Foundation
import SysctlLint

/// Where a report goes: standard output, or `--output-file`, which is written beside its final name and renamed
/// into place when the run ends, so a reader never sees half a report and a failed run leaves the old one.
final class ReportOutput: ReportDestination {
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle

    init(path: String?, inputs: [String]) {
        self.path = path
        guard let path else {
            temporary = nil
            handle = FileHandle.standardOutput
            return
        }
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        if inputs.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.path == target }) {
            fail(["\(path): --output-file names an input; sysctl-lint never writes to what it reads"])
        }
        let temporary = path + ".sysctl-lint-\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            fail(["\(path): cannot write the report here"])
        }
        self.temporary = temporary
        self.handle = handle
    }

    /// A chunk of the report, written with write(2): no copy into `Data` on the way.
    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(handle.fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                fail(["\(path ?? "standard output"): cannot write the report: \(String(cString: strerror(errno)))"])
            }
            offset += written
        }
    }

    /// Moves the finished report into place.
    func finish() {
        guard let path, let temporary else { return }
        try? handle.close()
        if rename(temporary, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            fail(["\(path): cannot write the report: \(String(cString: strerror(errno)))"])
        }
    }
}

/// Values that live until the process exits. Releasing the rules and the catalogue (thousands of small objects)
/// just before exit cost a typical run more than linting its file; like clang's `-disable-free`, the command
/// line lets the exit reclaim them.
enum ProcessLifetime {
    private final class Box<Value: Sendable>: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    static func keep(_ value: some Sendable) {
        _ = Unmanaged.passRetained(Box(value))
    }
}
