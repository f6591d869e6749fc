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
        let results = zip(findings, identities).map { finding, identity in
            result(finding, identity: identity, ruleIndex: index[finding.rule])
        }
        let driver: JSONValue = [
            "name": "sysctl-lint",
            "version": .string(toolVersion),
            "semanticVersion": .string(toolVersion),
            "informationUri": .string(SysctlLintVersion.homepage),
            "rules": .array(ordered.map(Self.descriptor)),
        ]
        let run: JSONValue = [
            "tool": ["driver": driver],
            "results": .array(results),
            "columnKind": "utf16CodeUnits",
        ]
        let log: JSONValue = [
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
    static func descriptor(_ rule: Rule) -> JSONValue {
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
        var descriptor: JSONValue = [
            "id": .string(rule.id),
            "name": .string(pascalCase(rule.id)),
            "shortDescription": ["text": .string(rule.title)],
            "fullDescription": ["text": .string(rationale)],
            "help": ["text": .string(help), "markdown": .string(markdown)],
            "defaultConfiguration": ["level": .string(level(rule.severity))],
            "properties": [
                "tags": JSONValue([category(rule.file)] + (rule.builtin ? ["builtin"] : [])),
                "kernels": .string(rule.kernels.description),
            ],
        ]
        if rule.shipped { descriptor["helpUri"] = .string(SysctlLintVersion.documentation(forRule: rule.id)) }
        return descriptor
    }

    private func result(_ finding: Finding, identity: FindingIdentity, ruleIndex: Int?) -> JSONValue {
        var text = finding.messageWithHost
        if let fix = finding.fix { text += "\n\nFix: \(fix)" }
        var result: JSONValue = [
            "ruleId": .string(finding.rule),
            "level": .string(Self.level(finding.severity)),
            "message": ["text": .string(text)],
            "partialFingerprints": ["sysctlLint/v1": .string(identity.fingerprint)],
        ]
        if let ruleIndex { result["ruleIndex"] = .int(ruleIndex) }
        if let location = finding.location {
            var artifact: JSONValue = ["uri": .string(uri(location.file))]
            if !paths.isOutside(location.file) { artifact["uriBaseId"] = "%SRCROOT%" }
            result["locations"] = [[
                "physicalLocation": [
                    "artifactLocation": artifact,
                    "region": ["startLine": .int(max(location.line, 1)), "startColumn": .int(max(location.column, 1))],
                ],
            ]]
        }
        var properties: JSONValue = [:]
        if let key = finding.key { properties["key"] = .string(key) }
        if let value = finding.value { properties["value"] = .string(value) }
        if let host = finding.host { properties["host"] = .string(host) }
        if let evidence = finding.evidence { properties["evidence"] = JSONReporter.object(evidence) }
        if properties != [:] { result["properties"] = properties }
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
