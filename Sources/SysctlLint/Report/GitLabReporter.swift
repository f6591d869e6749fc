/// `--format gitlab`: a GitLab Code Quality report (a JSON array). GitLab shows one issue per fingerprint and
/// compares fingerprints between the source and target branch, so they are unique within a report and do not
/// contain line numbers: moving a setting does not turn it into a "new" issue.
public struct GitLabReporter: Sendable {
    public var paths: ReportPaths

    public init(paths: ReportPaths = ReportPaths()) {
        self.paths = paths
    }

    public func render(_ findings: [Finding], fallbackPath: String? = nil) -> String {
        let identities = FindingIdentity.assign(findings, paths: paths)
        let issues: [Any] = zip(findings, identities).map { finding, identity in
            // GitLab does not display check_name, so the rule id leads the description as well.
            var description = "[\(finding.rule)] " + finding.messageWithHost
            if let fix = finding.fix { description += " — fix: \(fix)" }
            let path = finding.location.map { paths.relative($0.file) } ?? fallbackPath.map(paths.relative) ?? ""
            return [
                "type": "issue",
                "check_name": finding.rule,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": Self.severity(finding.severity),
                "fingerprint": identity.fingerprint,
                "location": ["path": path, "lines": ["begin": finding.location?.line ?? 1]] as [String: Any],
            ] as [String: Any]
        }
        return JSONReporter.serialise(issues, pretty: true) + "\n"
    }

    /// Code Quality's scale is info, minor, major, critical, blocker; a finding that breaks traffic is critical.
    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: "critical"
        case .warning: "major"
        case .info: "info"
        }
    }
}
