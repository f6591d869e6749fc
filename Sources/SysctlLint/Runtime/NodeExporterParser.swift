/// What a `NodeExporterReader` has read and how it reads a line: the `# HELP` lines' metrics, the keys kept for
/// every host, and the host being read.
struct NodeExporterParser {
    let source: String

    /// What the `# HELP` lines said, by metric name: the key and the field of a multi-value key. Up to
    /// `metricsKept` metrics and `recordedBytesKept` of their names and keys as held (as text; a metric given
    /// another key counts that one instead), so that an export of made-up names, or of metrics given ever longer
    /// keys, cannot grow the table without end.
    private var metrics = PathIndex()
    private var metricKeys: [MetricKey] = []
    private var recordedBytes = 0
    private let recordedBytesBudget: Int
    /// Each recorded metric's `# HELP` line as it was last read, when short (`helpLineKept`), back to back. Every
    /// scrape repeats its # HELP lines in the same order: the line after metric k's is tried against metric
    /// k + 1's bytes before it is parsed, and when it is the same line, it says what it said before.
    private var helpLines: [UInt8] = []
    private var helpLineRanges: [Range<Int>] = []
    private var lastHelp = -1
    static let helpLineKept = 512, helpLinesKept = 16 * 1024 * 1024

    /// What a `# HELP` line says of a metric; `kept`: the key's place in `keys` when its name is ASCII (whose
    /// bytes are equal exactly when the names are), so that samples are grouped and added by position.
    private struct MetricKey {
        var key: String
        var field: Int?
        var kept: Int?
    }
    static let metricsKept = 65_536, recordedBytesKept = 32 * 1024 * 1024

    private var keys = FleetKeyTable()
    /// The host being read (streamed) when `reading`, and notes read before any sample. Not an optional: reading
    /// a field through one copied the whole host for every line.
    private var current = HostSamples(name: "", notes: [])
    private var reading = false
    private var earlyNotes: [Finding] = []
    /// Whether a metric went unrecorded at `metricsKept` (said once).
    private var metricsCut = false

    /// `recordedBytesBudget`: `recordedBytesKept`, unless a test asks for less.
    init(source: String, recordedBytesBudget: Int = NodeExporterParser.recordedBytesKept) {
        self.source = source
        self.recordedBytesBudget = recordedBytesBudget
    }

    /// Held hosts: each one's samples in the order hosts first appear, and which sample came last.
    struct Held {
        fileprivate var hosts: [HostSamples] = []
        fileprivate var positions: [String: Int] = [:]
        fileprivate var last = -1
    }

    /// Reads a line of a streamed export; returns the host that ended when the line begins another.
    mutating func stream(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> RuntimeSnapshot? {
        var none = Held()
        guard let sample = sample(in: line, number: number, notingOn: &none) else { return nil }
        if reading, current.name == sample.host {
            current.add(sample, in: line, limit: NodeExporterReader.sizeLimit, source: source)
            return nil
        }
        let finished = current, wasReading = reading
        current = HostSamples(name: sample.host, notes: earlyNotes, sizedLike: wasReading ? finished : nil)
        current.add(sample, in: line, limit: NodeExporterReader.sizeLimit, source: source)
        reading = true
        earlyNotes = []
        return wasReading ? snapshot(of: finished) : nil
    }

    /// The streamed export's last host, or a snapshot of the notes alone when no sample could be read.
    mutating func finish() -> RuntimeSnapshot? {
        if reading {
            reading = false
            let last = current
            current = HostSamples(name: "", notes: [])
            return snapshot(of: last)
        }
        return notesAlone()
    }

    /// Reads a line of a held export.
    mutating func hold(_ line: UnsafeBufferPointer<UInt8>, number: Int, in held: inout Held) {
        guard let sample = sample(in: line, number: number, notingOn: &held) else { return }
        if let known = held.positions[sample.host] {
            held.last = known
        } else {
            held.last = held.hosts.count
            held.positions[sample.host] = held.last
            held.hosts.append(HostSamples(name: sample.host, notes: held.last == 0 ? earlyNotes : []))
        }
        held.hosts[held.last].add(sample, in: line, limit: .max, source: source)
    }

    /// The held export's hosts.
    mutating func finish(_ held: Held) -> [RuntimeSnapshot] {
        var snapshots: [RuntimeSnapshot] = []
        for host in held.hosts { snapshots.append(snapshot(of: host)) }
        if snapshots.isEmpty, let alone = notesAlone() { snapshots.append(alone) }
        return snapshots
    }

    /// A sample as the reader keeps it: its host, key, field and value.
    struct Sample {
        var host: String
        var key: String
        var kept: Int?
        var field: Int
        var value: Value
        var line: Int
    }

    /// A sample's value: bytes of its line (as nearly always), or text the line's bytes became.
    enum Value {
        case written(Range<Int>)
        case decoded([UInt8])
        case text(String)

        func withBytes<Result>(in line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            switch self {
            case .written(let range): body(UnsafeBufferPointer(rebasing: line[range]))
            case .decoded(let bytes): bytes.withUnsafeBufferPointer(body)
            case .text(let text): UTF8Text.withBytes(text, body)
            }
        }
    }

    /// The sample a line holds, or nil for a line that holds none (blank, a comment, a `# HELP` line, which is
    /// recorded, or a sample that cannot be read, which is noted on the host whose sample came last).
    private mutating func sample(in raw: UnsafeBufferPointer<UInt8>, number: Int, notingOn held: inout Held) -> Sample? {
        let line = UTF8Text.trimmed(raw)
        guard let first = line.first else { return nil }
        if first == UInt8(ascii: "#") {
            if isLastHelpsNext(line) { return nil }
            if let help = PrometheusText.help(line), !record(help, in: line), !metricsCut {
                metricsCut = true
                note("this export names more than \(Self.metricsKept) metrics in # HELP lines (or more than \(Format.bytes(Double(recordedBytesBudget))) of their names and keys); later # HELP lines are not recorded: a metric named only there has its samples noted as unreadable, and one named before keeps what it was given",
                     line: number, on: &held)
            }
            return nil
        }
        guard PrometheusText.starts(line, with: PrometheusText.samplePrefix), let sample = PrometheusText.sample(line) else { return nil }
        let metric = UnsafeBufferPointer(rebasing: line[sample.metric])
        var field = sample.index.flatMap { Int($0.text(in: line)) } ?? 0
        let key: String, value: Value, kept: Int?
        if metric.count == PrometheusText.infoMetric.count, PrometheusText.starts(metric, with: PrometheusText.infoMetric) {
            guard let name = sample.name else { return nil }
            key = name.text(in: line)
            kept = keptPosition(of: key)
            switch sample.valueLabel {
            case .plain(let range)?: value = .written(range)
            case .decoded(let bytes)?: value = .decoded(bytes)
            case nil: value = .written(0..<0)
            }
        } else if let known = help(for: metric) {
            key = known.key
            kept = known.kept
            if let given = known.field { field = given }
            value = PrometheusText.number(UnsafeBufferPointer(rebasing: line[sample.value])).map(Value.text) ?? .written(sample.value)
        } else {
            note("\(String(decoding: metric, as: UTF8.self)) has no '# HELP … sysctl KEY' line, so its key cannot be recovered from the metric name; skipped",
                 line: number, on: &held)
            return nil
        }
        return Sample(host: sample.instance.map { host($0, in: line) } ?? "", key: key, kept: kept, field: field, value: value, line: number)
    }

    /// The host a sample names: the last one's name again when its bytes are the same, without making a string.
    private func host(_ label: PrometheusText.Label, in line: UnsafeBufferPointer<UInt8>) -> String {
        if reading, label.withBytes(in: line, { bytes in UTF8Text.withBytes(current.name) { UTF8Text.same($0, bytes) } }) {
            return current.name
        }
        return label.text(in: line)
    }

    /// Records a `# HELP` line's metric; a later line for the same metric replaces what an earlier one said.
    /// False when the line is not recorded: `metricsKept` metrics are, or the budget of names and keys is full.
    private mutating func record(_ help: PrometheusText.Help, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = UnsafeBufferPointer(rebasing: line[help.metric]), key = UnsafeBufferPointer(rebasing: line[help.key])
        let known = metrics.position(of: name, hash: HashSlots.hash(name))
        // Every scrape repeats its # HELP lines: one that says what was said already makes no string.
        if let known, metricKeys[known].field == help.field, UTF8Text.withBytes(metricKeys[known].key, { UTF8Text.same($0, key) }) {
            lastHelp = known
            return true
        }
        let text = String(decoding: key, as: UTF8.self)
        if let known { return replace(known, with: text, field: help.field, line: line) }
        // Names are kept as text: one with invalid UTF-8 is the name its repair gives, as it always was.
        let metricName = String(decoding: name, as: UTF8.self)
        if let known = metrics.position(of: metricName) { return replace(known, with: text, field: help.field, line: line) }
        let bytes = recordedBytes.saturatingAdd(metricName.utf8.count).saturatingAdd(text.utf8.count)
        guard metricKeys.count < Self.metricsKept, bytes <= recordedBytesBudget else { return false }
        recordedBytes = bytes
        _ = metrics.insert(metricName)
        metricKeys.append(MetricKey(key: text, field: help.field, kept: keptPosition(of: text)))
        helpLineRanges.append(0..<0)
        keepLine(line, of: metricKeys.count - 1)
        return true
    }

    /// Gives a recorded metric what a later # HELP line says of it, its key's text taking the place of the old
    /// one's in the budget; false (the metric keeps what it was given before) when the budget has no room for it.
    private mutating func replace(_ position: Int, with key: String, field: Int?, line: UnsafeBufferPointer<UInt8>) -> Bool {
        let bytes = (recordedBytes - metricKeys[position].key.utf8.count).saturatingAdd(key.utf8.count)
        guard bytes <= recordedBytesBudget else { return false }
        recordedBytes = bytes
        metricKeys[position] = MetricKey(key: key, field: field, kept: keptPosition(of: key))
        keepLine(line, of: position)
        return true
    }

    /// Whether `line` is the # HELP line last read for the metric after the last one a # HELP line named (and
    /// so says nothing new); if so, that metric is the last one named.
    private mutating func isLastHelpsNext(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let next = lastHelp + 1
        guard next < helpLineRanges.count else { return false }
        let range = helpLineRanges[next]
        guard range.count == line.count, !range.isEmpty,
              helpLines.withUnsafeBufferPointer({ UTF8Text.same(UnsafeBufferPointer(rebasing: $0[range]), line) }) else { return false }
        lastHelp = next
        return true
    }

    /// Keeps the # HELP line that made metric `position`'s record, when it is short and `helpLinesKept` has room
    /// (past that, lines are parsed); a line kept before for the metric is forgotten, so that only the line that
    /// said what is recorded matches.
    private mutating func keepLine(_ line: UnsafeBufferPointer<UInt8>, of position: Int) {
        lastHelp = position
        helpLineRanges[position] = 0..<0
        guard line.count <= Self.helpLineKept, helpLines.count + line.count <= Self.helpLinesKept else { return }
        helpLines.append(contentsOf: line)
        helpLineRanges[position] = (helpLines.count - line.count)..<helpLines.count
    }

    /// The kept position of an ASCII key (nil for any other, or once the table is full).
    private mutating func keptPosition(of key: String) -> Int? {
        guard !UTF8Text.contains(key, where: { $0 >= 0x80 }) else { return nil }
        return keys.key(key).0
    }

    private func help(for metric: UnsafeBufferPointer<UInt8>) -> MetricKey? {
        if let known = metrics.position(of: metric, hash: HashSlots.hash(metric)) { return metricKeys[known] }
        guard metric.contains(where: { $0 >= 0x80 }) else { return nil }
        return metrics.position(of: String(decoding: metric, as: UTF8.self)).map { metricKeys[$0] }
    }

    /// A note on the host whose sample came last: the last of `held` when holding, else the current host.
    mutating func note(_ message: String, line: Int, on held: inout Held) {
        let finding = Finding(rule: "snapshot-unreadable-key", severity: .info,
                              location: SourceLocation(file: source, line: line, column: 1), message: message)
        if held.last >= 0 {
            RuntimeSnapshot.append(finding, to: &held.hosts[held.last].notes)
        } else if reading {
            RuntimeSnapshot.append(finding, to: &current.notes)
        } else {
            RuntimeSnapshot.append(finding, to: &earlyNotes)
        }
    }

    /// The notes of an export in which no sample could be read, as a snapshot of their own.
    private mutating func notesAlone() -> RuntimeSnapshot? {
        guard !earlyNotes.isEmpty else { return nil }
        var alone = RuntimeSnapshot(source: source)
        alone.notes = earlyNotes
        earlyNotes = []
        return alone
    }

    /// A host's values: each key's fields in field order, joined by tabs as `sysctl` prints them.
    private mutating func snapshot(of host: HostSamples) -> RuntimeSnapshot {
        var snapshot = RuntimeSnapshot(source: source, host: host.name.isEmpty ? nil : host.name)
        snapshot.isComplete = false
        snapshot.reserveCapacity(forInputBytes: min(host.bytes, 1 << 20))
        var joined: [UInt8] = []
        host.forEachKey { position, fields, values in
            let first = fields[fields.startIndex]
            if fields.count == 1 {
                add(position, of: host, value: UnsafeBufferPointer(rebasing: values[first.value]), line: first.line, to: &snapshot)
                return
            }
            joined.removeAll(keepingCapacity: true)
            for (index, field) in fields.enumerated() {
                if index > 0 { joined.append(UInt8(ascii: "\t")) }
                joined.append(contentsOf: values[field.value])
            }
            joined.withUnsafeBufferPointer { add(position, of: host, value: $0, line: first.line, to: &snapshot) }
        }
        snapshot.notes += host.notes
        return snapshot
    }

    private mutating func add(_ position: Int, of host: HostSamples, value: UnsafeBufferPointer<UInt8>, line: Int,
                              to snapshot: inout RuntimeSnapshot) {
        if let kept = host.kept[position] {
            keys.add(kept: kept, value: value, line: line, to: &snapshot)
        } else {
            keys.add(named: host.keys[position], value: value, line: line, to: &snapshot)
        }
    }
}
