/// Counts across the hosts of a fleet export, kept small whatever the fleet's size: per rule, on how many hosts it
/// fired. Hosts themselves are not kept.
public struct FleetSummary: Sendable {
    public struct Hazard: Sendable, Equatable {
        public var rule: String
        public var severity: Severity
        public var hosts: Int
    }

    public private(set) var hosts = 0
    public private(set) var findings: [Severity: Int] = [:]
    private var hostsPerRule: [String: (severity: Severity, hosts: Int)] = [:]

    public init() {}

    public mutating func add(_ result: LintResult) {
        hosts += 1
        var seen: Set<String> = []
        for finding in result.findings {
            findings[finding.severity, default: 0] += 1
            if seen.insert(finding.rule).inserted {
                let entry = hostsPerRule[finding.rule]
                hostsPerRule[finding.rule] = (max(entry?.severity ?? finding.severity, finding.severity), (entry?.hosts ?? 0) + 1)
            }
        }
    }

    /// Hazards by the number of hosts they appear on, most widespread first.
    public var hazards: [Hazard] {
        hostsPerRule.map { Hazard(rule: $0.key, severity: $0.value.severity, hosts: $0.value.hosts) }
            .sorted { ($0.hosts, $0.severity, $1.rule) > ($1.hosts, $1.severity, $0.rule) }
    }

    public var worstSeverity: Severity? { findings.filter { $0.value > 0 }.keys.max() }
}
