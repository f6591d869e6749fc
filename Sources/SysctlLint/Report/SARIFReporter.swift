import Foundation

/// `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. The driver lists every rule in force (not only
/// those that fired) so that alerts keep their descriptions when a later run is clean; results carry paths
/// relative to the repository root and a line-independent fingerprint, so alerts survive edits above them.
///
/// Columns are the parser's byte columns; for the ASCII text that sysctl files nearly always are, they equal the
/// UTF-16 columns SARIF assumes by default.
public struct SARIFReporter: Sendable {
    public var paths: ReportPaths

    public init(paths: ReportPaths = ReportPaths()) {
        self.paths = paths
    }

    public func render(_ findings: [Finding], rules: [Rule], toolVersion: String) -> String {
        let ordered = rules.sorted { $0.id < $1.id }
        let index = Dictionary(ordered.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let identities = FindingIdentity.assign(findings, paths: paths)
        let results: [Any] = zip(findings, identities).map { finding, identity in
            result(finding, identity: identity, ruleIndex: index[finding.rule])
        }
        let driver: [String: Any] = [
            "name": "sysctl-lint",
            "version": toolVersion,
            "semanticVersion": toolVersion,
            "informationUri": SysctlLintVersion.homepage,
            "rules": ordered.map(Self.descriptor),
        ]
        let run: [String: Any] = [
            "tool": ["driver": driver],
            "results": results,
            "columnKind": "utf16CodeUnits",
        ]
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
        return JSONReporter.serialise(log, pretty: true) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A rule's metadata: what GitHub shows at the top of an alert, and the link to its documentation.
    static func descriptor(_ rule: Rule) -> [String: Any] {
        let rationale = rule.rationale.trimmingCharacters(in: .whitespacesAndNewlines)
        var help = rationale
        var markdown = rationale
        if let fix = rule.fixText {
            help += "\n\nFix: \(fix)"
            markdown += "\n\n**Fix:** \(fix)"
        }
        if !rule.references.isEmpty {
            help += "\n\nReferences:\n" + rule.references.map { "- \($0)" }.joined(separator: "\n")
            markdown += "\n\n**References:**\n\n" + rule.references.map { "- \($0)" }.joined(separator: "\n")
        }
        var descriptor: [String: Any] = [
            "id": rule.id,
            "name": pascalCase(rule.id),
            "shortDescription": ["text": rule.title],
            "fullDescription": ["text": rationale],
            "help": ["text": help, "markdown": markdown],
            "defaultConfiguration": ["level": level(rule.severity)],
            "properties": [
                "tags": [category(rule.file)] + (rule.builtin ? ["builtin"] : []),
                "kernels": rule.kernels.description,
            ] as [String: Any],
        ]
        if rule.shipped { descriptor["helpUri"] = SysctlLintVersion.documentation(forRule: rule.id) }
        return descriptor
    }

    private func result(_ finding: Finding, identity: FindingIdentity, ruleIndex: Int?) -> [String: Any] {
        var text = finding.messageWithHost
        if let fix = finding.fix { text += "\n\nFix: \(fix)" }
        var result: [String: Any] = [
            "ruleId": finding.rule,
            "level": Self.level(finding.severity),
            "message": ["text": text],
            "partialFingerprints": ["sysctlLint/v1": identity.fingerprint],
        ]
        if let ruleIndex { result["ruleIndex"] = ruleIndex }
        if let location = finding.location {
            var artifact: [String: Any] = ["uri": uri(location.file)]
            if !paths.isOutside(location.file) { artifact["uriBaseId"] = "%SRCROOT%" }
            result["locations"] = [[
                "physicalLocation": [
                    "artifactLocation": artifact,
                    "region": ["startLine": max(location.line, 1), "startColumn": max(location.column, 1)],
                ] as [String: Any],
            ]]
        }
        var properties: [String: Any] = [:]
        if let key = finding.key { properties["key"] = key }
        if let value = finding.value { properties["value"] = value }
        if let host = finding.host { properties["host"] = host }
        if !properties.isEmpty { result["properties"] = properties }
        return result
    }

    /// A relative path as a URI reference (percent-encoded); a path outside the repository as a `file:` URI.
    private func uri(_ path: String) -> String {
        let relative = paths.relative(path)
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":?#[]@")
        let encoded = relative.addingPercentEncoding(withAllowedCharacters: allowed) ?? relative
        return relative.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// `tcp-tw-recycle` → `TcpTwRecycle`: SARIF's rule names are identifiers a person can read.
    static func pascalCase(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `rules/time-wait.yaml` → `time-wait`: the rule file names the family a rule belongs to.
    static func category(_ file: String) -> String {
        ((file as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
