import DataTree
import Foundation

/// Findings a project has accepted for now, so that CI fails only on new ones. Entries are keyed by file, rule, key
/// and value (with a count for repeats), never by line: inserting or moving lines does not bring old findings back,
/// while changing a baselined setting's value does. Written sorted and pretty, for reviewable diffs.
public struct Baseline: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Hashable, Comparable {
        public var file: String
        public var rule: String
        public var key: String
        public var value: String
        public var count: Int

        public static func < (a: Entry, b: Entry) -> Bool {
            (a.file, a.rule, a.key, a.value) < (b.file, b.rule, b.key, b.value)
        }
    }

    public static let currentVersion = 1
    public var version: Int
    public var tool: String
    public var findings: [Entry]

    /// A baseline of `findings`, with paths relative to `paths.base` (the baseline file's folder).
    public init(findings: [Finding], paths: ReportPaths) {
        var counts: [FindingIdentity: Int] = [:]
        for identity in FindingIdentity.assign(findings, paths: paths) {
            var key = identity
            key.occurrence = 0
            counts[key, default: 0] += 1
        }
        version = Self.currentVersion
        tool = "sysctl-lint"
        self.findings = counts.map { Entry(file: $0.file, rule: $0.rule, key: $0.key, value: $0.value, count: $1) }.sorted()
    }

    public static func read(path: String) throws(DataFileProblem) -> Baseline {
        if let problem = RegularFile.problem(with: path) {
            throw DataFileProblem(file: path, line: nil, column: nil, message: problem)
        }
        // Bounded: a /proc file passes the size check above (stat says 0 bytes) and can be endless.
        guard let bytes = try? RegularFile.bytes(atPath: path, limit: RegularFile.dataFileSizeLimit) else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "cannot read the baseline file")
        }
        guard bytes.count <= RegularFile.dataFileSizeLimit else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "is more than the \(RegularFile.dataFileSizeLimit)-byte limit")
        }
        let data = Data(bytes)
        let baseline: Baseline
        do {
            baseline = try JSONDecoder().decode(Baseline.self, from: data)
        } catch {
            throw DataFileProblem(file: path, line: nil, column: nil,
                                  message: "not a sysctl-lint baseline (write one with --write-baseline): \(error)")
        }
        guard baseline.version == currentVersion else {
            throw DataFileProblem(file: path, line: nil, column: nil,
                                  message: "baseline version \(baseline.version) is not supported (this sysctl-lint reads version \(currentVersion))")
        }
        return baseline
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }

    /// Findings not in the baseline, and how many were in it and how many of its entries no longer occur.
    public func filter(_ findings: [Finding], paths: ReportPaths) -> (new: [Finding], outcome: BaselineOutcome) {
        var remaining: [FindingIdentity: Int] = [:]
        for entry in self.findings {
            // Counts come from a file anyone may edit: negative ones count as none, sums saturate.
            let key = FindingIdentity(file: entry.file, rule: entry.rule, key: entry.key, value: entry.value, occurrence: 0)
            let (sum, overflow) = remaining[key, default: 0].addingReportingOverflow(max(entry.count, 0))
            remaining[key] = overflow ? Int.max : sum
        }
        var new: [Finding] = []
        var matched = 0
        for (finding, identity) in zip(findings, FindingIdentity.assign(findings, paths: paths)) {
            var key = identity
            key.occurrence = 0
            if let left = remaining[key], left > 0 {
                remaining[key] = left - 1
                matched += 1
            } else {
                new.append(finding)
            }
        }
        let fixed = remaining.values.reduce(0) { total, left in
            let (sum, overflow) = total.addingReportingOverflow(left)
            return overflow ? Int.max : sum
        }
        return (new, BaselineOutcome(matched: matched, fixed: fixed))
    }
}

/// What comparing with a baseline did: findings it hid, and baselined findings that are gone.
public struct BaselineOutcome: Sendable, Hashable {
    public var matched: Int
    public var fixed: Int
}
