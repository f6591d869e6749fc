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
        let issues = zip(findings, identities).map { finding, identity -> JSONValue in
            // GitLab does not display check_name, so the rule id leads the description as well.
            var description = "[\(finding.rule)] " + finding.messageWithHost
            if let fix = finding.fix { description += " — fix: \(fix)" }
            let path = finding.location.map { paths.relative($0.file) } ?? fallbackPath.map(paths.relative) ?? ""
            return [
                "type": "issue",
                "check_name": .string(finding.rule),
                "description": .string(description),
                "categories": ["Bug Risk"],
                "severity": .string(Self.severity(finding.severity)),
                "fingerprint": .string(identity.fingerprint),
                "location": ["path": .string(path), "lines": ["begin": .int(finding.location?.line ?? 1)]],
            ]
        }
        return JSONReporter.serialise(.array(issues), pretty: true) + "\n"
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
