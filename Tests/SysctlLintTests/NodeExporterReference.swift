@testable import SysctlLint

/// The node_exporter reader as it was before it read bytes and streamed hosts: built on `String` and `Character`,
/// every host held to the end. Kept as the reference the streaming reader is held to (`NodeExporterReaderTests`).
/// Reads Prometheus node_exporter's sysctl collector output (`--collector.sysctl`). Metric names lose the key's
/// dots, so the key comes from the `# HELP … sysctl KEY` line (or the `name` label of `node_sysctl_info`);
/// multi-value keys arrive one field per sample (an `index` label or a `_min`-style name) and are put back
/// together; values such as `3.3554432e+07` are read back as integers. Samples with an `instance` label are
/// grouped per host. The text format lists samples metric by metric, so all hosts' values are held until the
/// end (compactly); for very large fleets prefer the streamed osquery log.
struct ReferenceNodeExporterReader {
    init() {}

    private struct Field {
        var key: String
        var index: Int
        var value: String
        var line: Int
    }

    static let sizeLimit = 4 * LineStream.hostSizeLimit

    func read(_ lines: LineStream, source: String) -> [RuntimeSnapshot] {
        var helpKeys: [String: (key: String, index: Int?)] = [:]
        var hosts: [String: [Field]] = [:]
        var hostOrder: [String] = []
        var notes: [Finding] = []
        while let line = lines.nextText() {
            let number = lines.lineNumber
            // Scrapes are grouped by host in memory, so the whole export is bounded (64 MiB per host, 4 hosts' worth).
            if lines.bytesConsumed > Self.sizeLimit {
                notes.append(Finding(rule: "snapshot-unreadable-key", severity: .info, location: SourceLocation(file: source, line: number, column: 1),
                                     message: "the node_exporter export is larger than \(Self.sizeLimit / 1024 / 1024) MiB; the rest was not read"))
                break
            }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("# HELP ") {
                let words = trimmed.dropFirst(7).split(separator: " ", maxSplits: 1)
                guard words.count == 2, words[1].hasPrefix("sysctl ") else { continue }
                let described = words[1].dropFirst(7)
                let parts = described.split(separator: ",", maxSplits: 1)
                var index: Int?
                if parts.count == 2, let field = parts[1].split(separator: " ").last { index = Int(field) }
                helpKeys[String(words[0])] = (String(parts[0]).trimmingSpaces(), index)
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            guard trimmed.hasPrefix("node_sysctl_"), let sample = Self.sample(trimmed) else { continue }
            let labels = sample.labels
            var key: String
            var index = labels["index"].flatMap { Int($0) } ?? 0
            var value = Self.number(sample.value)
            if sample.metric == "node_sysctl_info" {
                guard let name = labels["name"] else { continue }
                key = name
                value = labels["value"] ?? ""
            } else if let known = helpKeys[sample.metric] {
                key = known.key
                if let field = known.index { index = field }
            } else {
                RuntimeSnapshot.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                    location: SourceLocation(file: source, line: number, column: 1),
                    message: "\(sample.metric) has no '# HELP … sysctl KEY' line, so its key cannot be recovered from the metric name; skipped"), to: &notes)
                continue
            }
            let host = labels["instance"] ?? ""
            if hosts[host] == nil { hostOrder.append(host) }
            hosts[host, default: []].append(Field(key: key, index: index, value: value, line: number))
        }
        var snapshots: [RuntimeSnapshot] = []
        for host in hostOrder {
            var snapshot = RuntimeSnapshot(source: source, host: host.isEmpty ? nil : host)
            snapshot.isComplete = false
            var byKey: [String: [Field]] = [:]
            var keyOrder: [String] = []
            for field in hosts[host] ?? [] {
                if byKey[field.key] == nil { keyOrder.append(field.key) }
                byKey[field.key, default: []].append(field)
            }
            for key in keyOrder {
                let fields = (byKey[key] ?? []).sorted { $0.index < $1.index }
                snapshot.add(RuntimeSnapshot.Entry(
                    key: key, value: fields.map(\.value).joined(separator: "\t"), line: fields[0].line))
            }
            snapshots.append(snapshot)
        }
        if !notes.isEmpty {
            if snapshots.isEmpty { snapshots.append(RuntimeSnapshot(source: source)) }
            snapshots[0].notes += notes
        }
        return snapshots
    }

    /// `metric{a="x",b="y"} value [timestamp]`.
    static func sample(_ line: String) -> (metric: String, labels: [String: String], value: String)? {
        var labels: [String: String] = [:]
        var rest = Substring(line)
        let metricEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let metric = String(rest[..<metricEnd])
        rest = rest[metricEnd...]
        if rest.hasPrefix("{") {
            guard let close = rest.lastIndex(of: "}") else { return nil }
            labels = parseLabels(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        }
        guard let value = rest.split(separator: " ").first else { return nil }
        return (metric, labels, String(value))
    }

    private static func parseLabels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let name = text[index..<equals].trimmingSpaces().trimmingReferenceCharacters(in: ",")
            var cursor = text.index(after: equals)
            guard cursor < text.endIndex, text[cursor] == "\"" else { break }
            cursor = text.index(after: cursor)
            var value = ""
            while cursor < text.endIndex, text[cursor] != "\"" {
                if text[cursor] == "\\", text.index(after: cursor) < text.endIndex {
                    cursor = text.index(after: cursor)
                    value.append(text[cursor] == "n" ? "\n" : text[cursor])
                } else {
                    value.append(text[cursor])
                }
                cursor = text.index(after: cursor)
            }
            labels[name] = value
            index = cursor < text.endIndex ? text.index(after: cursor) : cursor
        }
        return labels
    }

    /// `3.3554432e+07` → `33554432`; anything that is not a whole number stays as written.
    static func number(_ text: String) -> String {
        if Int64(text) != nil { return text }
        guard let double = Double(text), double.isFinite, double == double.rounded(),
              abs(double) < 9.2e18 else { return text }
        return String(Int64(double))
    }
}

private extension String {  // as the reader had it
    func trimmingReferenceCharacters(in set: String) -> String {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result.removeFirst() }
        while let last = result.last, set.contains(last) { result.removeLast() }
        return String(result)
    }
}
