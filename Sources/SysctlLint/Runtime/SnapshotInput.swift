import Foundation

/// The formats `--snapshot` reads.
public enum SnapshotFormat: String, Sendable, CaseIterable {
    /// Decide from the input: a directory is a /proc/sys copy, JSON is osquery, `# HELP`/`node_` is node_exporter,
    /// anything else `sysctl -a` output.
    case auto
    case sysctl
    case proc
    case osquery
    case nodeExporter = "node-exporter"
}

/// Snapshots read one host at a time. Single-machine formats yield one snapshot; fleet exports yield one per host,
/// streamed where the format allows it.
public final class SnapshotStream {
    public let format: SnapshotFormat
    private var pending: [RuntimeSnapshot]
    /// A fleet reader that hands out one host at a time, when the input is read that way.
    private let hosts: (() -> RuntimeSnapshot?)?

    init(format: SnapshotFormat, snapshots: [RuntimeSnapshot], hosts: (() -> RuntimeSnapshot?)? = nil) {
        self.format = format
        pending = snapshots
        self.hosts = hosts
    }

    /// True for fleet exports: findings carry a host and the report groups them per host.
    public var isFleet: Bool { format == .osquery || format == .nodeExporter }

    public func next() -> RuntimeSnapshot? {
        if let hosts { return hosts() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Opens `path` (`-` for standard input) in `format`.
    public static func open(_ path: String, format requested: SnapshotFormat) throws(InputProblem) -> SnapshotStream {
        var isDirectory: ObjCBool = false
        if path != "-" {
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputProblem(path: path, message: "no such file or directory")
            }
        }
        if isDirectory.boolValue || requested == .proc {
            guard isDirectory.boolValue else { throw InputProblem(path: path, message: "is not a directory (a /proc/sys copy is one)") }
            return SnapshotStream(format: .proc, snapshots: [try ProcSysReader().read(directory: path)])
        }
        // Opening a FIFO blocks until a writer appears: refused before anything opens it.
        if path != "-", let problem = RegularFile.problem(with: path, sizeLimit: .max) { throw InputProblem(path: path, message: problem) }
        if path != "-", let handle = FileHandle(forReadingAtPath: path) {
            let sample = [UInt8]((try? handle.read(upToCount: 65536)) ?? Data())
            try? handle.close()
            if let offset = BinaryDetector.binaryEvidence(in: sample) {
                let (line, column) = InputReader.lineAndColumn(of: offset, in: sample)
                throw InputProblem(path: path, line: line, column: column,
                                   message: "looks like a binary file, not saved sysctl values (control bytes such as NUL)")
            }
        }
        let lines = try LineStream(path: path)
        let source = path == "-" ? "<stdin>" : path
        var format = requested
        if format == .auto {
            let first = lines.peekFirstContent() ?? ""
            if first.hasPrefix("[") || first.hasPrefix("{") {
                format = .osquery
            } else if first.hasPrefix("# HELP node_") || first.hasPrefix("# TYPE node_") || first.hasPrefix("node_") {
                format = .nodeExporter
            } else {
                format = .sysctl
            }
        }
        switch format {
        case .osquery:
            return SnapshotStream(format: .osquery, snapshots: [], hosts: OsqueryReader(lines: lines, source: source).next)
        case .nodeExporter:
            // Streamed when a first pass finds each host's samples together; standard input cannot be read twice.
            let streams = path != "-" && NodeExporterReader.hostsAreContiguous(path: path)
            return SnapshotStream(format: .nodeExporter, snapshots: [],
                                  hosts: NodeExporterReader(lines: lines, source: source, streamsHosts: streams).next)
        default:
            return SnapshotStream(format: .sysctl, snapshots: [SysctlDumpReader().read(lines, source: source)])
        }
    }
}
