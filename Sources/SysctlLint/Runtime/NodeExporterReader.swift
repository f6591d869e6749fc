/// Reads Prometheus node_exporter's sysctl collector output (`--collector.sysctl`). Metric names lose the key's
/// dots, so the key comes from the `# HELP … sysctl KEY` line (or the `name` label of `node_sysctl_info`);
/// multi-value keys arrive one field per sample (an `index` label or a `_min`-style name) and are put back
/// together; values such as `3.3554432e+07` are read back as integers. Samples with an `instance` label are
/// grouped per host.
///
/// Two shapes of export exist. Scrapes of each host one after another (each host's samples together) are
/// streamed: a host is handed out when the next one's samples begin, so memory stays flat however many hosts the
/// file holds. A federation export lists samples metric by metric across hosts: then every host's values are held
/// until the end, up to `sizeLimit` of input. Which shape a file has is read first, in a pass that only looks at
/// each sample's host; standard input is held. A line that cannot be read is noted on the host whose samples
/// came last before it (the first host, before any).
public final class NodeExporterReader {
    private let lines: LineStream
    private let streamsHosts: Bool
    /// What has been read: changed through one access per line (as properties of this class, every lookup
    /// retained and released the tables it read).
    private var parser: NodeExporterParser
    /// Held hosts (the federation shape), handed out back to front once all are read.
    private var held: [RuntimeSnapshot]?
    private var finished = false

    /// An export held whole is read up to this much input (four hosts' worth of the per-host limit).
    static let sizeLimit = 4 * LineStream.hostSizeLimit

    public init(lines: LineStream, source: String, streamsHosts: Bool) {
        self.lines = lines
        self.streamsHosts = streamsHosts
        parser = NodeExporterParser(source: source)
    }

    /// Every host at once, held: for callers that want them all (tests, standard input).
    public static func read(_ lines: LineStream, source: String) -> [RuntimeSnapshot] {
        let reader = NodeExporterReader(lines: lines, source: source, streamsHosts: false)
        var hosts: [RuntimeSnapshot] = []
        while let host = reader.next() { hosts.append(host) }
        return hosts
    }

    /// The next host's values, or nil at the end.
    public func next() -> RuntimeSnapshot? {
        guard streamsHosts else {
            if held == nil { held = readAll().reversed() }
            return held?.popLast()
        }
        while !finished {
            var done: RuntimeSnapshot?
            lines.forEachLine { line, number in
                done = parser.stream(line, number: number)
                return done == nil
            }
            if let done { return done }
            finished = true
        }
        return parser.finish()
    }

    /// The held shape: every host's samples, in the order each host first appears.
    private func readAll() -> [RuntimeSnapshot] {
        var hosts = NodeExporterParser.Held()
        lines.forEachLine { line, number in
            if lines.bytesConsumed > Self.sizeLimit {
                parser.note("the node_exporter export is larger than \(Self.sizeLimit / 1024 / 1024) MiB; the rest was not read",
                            line: number, on: &hosts)
                return false
            }
            parser.hold(line, number: number, in: &hosts)
            return true
        }
        return parser.finish(hosts)
    }

    /// Whether every host's samples in the file at `path` lie together (scrapes one after another), so that the
    /// file can be streamed: a pass that reads each sample line's host and nothing else. A line it counts as a
    /// sample is a sample or a line the reader skips, never the reverse, so a file it finds contiguous is.
    static func hostsAreContiguous(path: String) -> Bool {
        guard let lines = try? LineStream(path: path) else { return false }
        return hostsAreContiguous(in: lines)
    }

    /// The same, for lines of any source (read to the end or to the first host that comes back).
    package static func hostsAreContiguous(in lines: LineStream) -> Bool {
        var current: String?, currentBytes: [UInt8] = [], finished: Set<String> = [], contiguous = true, namesBytes = 0
        // The label section of the last sample read whole: a line with the same bytes there has the same host.
        var lastLabels: [UInt8]?
        lines.forEachLine { raw, _ in
            let line = UTF8Text.trimmed(raw)
            guard PrometheusText.starts(line, with: PrometheusText.samplePrefix) else { return true }
            guard let section = PrometheusText.labelSection(line) else { return true }
            let labelBytes = UnsafeBufferPointer(rebasing: line[section.labels ?? 0..<0])
            if current != nil, let lastLabels, lastLabels.withUnsafeBufferPointer({ UTF8Text.same($0, labelBytes) }) { return true }
            guard let sample = PrometheusText.sample(line, section: section) else { return true }
            lastLabels = Array(labelBytes)
            // The same bytes are the same host; other bytes are compared as the reader compares names.
            let same = sample.instance.map { $0.withBytes(in: line) { bytes in currentBytes.withUnsafeBufferPointer { UTF8Text.same($0, bytes) } } }
                ?? currentBytes.isEmpty
            if same, current != nil { return true }
            currentBytes = sample.instance.map { $0.withBytes(in: line) { Array($0) } } ?? []
            let host = String(decoding: currentBytes, as: UTF8.self)
            guard host != current else { return true }
            if finished.contains(host) || finished.count >= Self.hostsChecked || namesBytes > Self.hostNamesChecked {
                contiguous = false
                return false
            }
            if let current {
                finished.insert(current)
                namesBytes += current.utf8.count
            }
            current = host
            return true
        }
        return contiguous
    }

    /// At most this many hosts are told apart by the first pass; a file with more is held, up to `sizeLimit`.
    /// The same for the bytes of their names together (a file of huge host names would otherwise be held whole).
    static let hostsChecked = 1_000_000, hostNamesChecked = 64 * 1024 * 1024
}
