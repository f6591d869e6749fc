import Foundation
import SchemaCheck
import Testing
@testable import SysctlLint

/// SARIF output conforms to the SARIF 2.1.0 schema, names every rule, and links each rule to its documentation.
@Suite struct SARIFTests {
    /// The schema lives in ../shared; the tests that need it are skipped without it.
    static let validator: JSONSchemaValidator = {
        let url = Fixtures.shared.appendingPathComponent("schemas/sarif-schema-2.1.0.json")
        do { return try JSONSchemaValidator(schema: try Data(contentsOf: url)) } catch { fatalError("SARIF schema: \(error)") }
    }()

    static func sarif(_ result: LintResult) -> String {
        SARIFReporter(paths: ReportPaths(base: "/work")).render(result.findings, rules: Fixtures.knowledge.rules, toolVersion: "9.9.9")
    }

    @Test(.needsSharedCorpus, arguments: ["close-wait-folklore", "clean", "syntax-problems"])
    func examplesConformToTheSchema(_ name: String) throws {
        let path = Fixtures.packageRoot.appendingPathComponent("examples/\(name).conf").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = Self.sarif(Fixtures.lint(text, path: path))
        let problems = try Self.validator.validate(Data(document.utf8))
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Odd paths and host findings: spaces and `#` in file names are percent-encoded; paths outside the repository
    /// become `file:` URIs without a base id.
    @Test(.needsSharedCorpus) func oddPathsAndHostsConform() throws {
        var result = Fixtures.lint("net.ipv4.tcp_retries2 = 3\n", path: "/work/conf dir/#1.conf")
        result.findings += Fixtures.lint("net.ipv4.tcp_syn_retries = 1\n", path: "/elsewhere/x.conf").findings.map {
            var finding = $0
            finding.host = "web-1"
            return finding
        }
        let document = Self.sarif(result)
        #expect(try Self.validator.validate(Data(document.utf8)).isEmpty)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let uris = (run["results"] as? [[String: Any]] ?? []).compactMap {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        }
        #expect(uris.contains { $0["uri"] as? String == "conf%20dir/%231.conf" && $0["uriBaseId"] as? String == "%SRCROOT%" })
        #expect(uris.contains { $0["uri"] as? String == "file:///elsewhere/x.conf" && $0["uriBaseId"] == nil })
    }

    @Test func driverListsEveryRuleWithLevelAndHelp() throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(Self.sarif(Fixtures.lint("")).utf8)) as? [String: Any])
        let driver = try #require(((log["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(Set(rules.compactMap { $0["id"] as? String }) == Set(Fixtures.knowledge.rules.map(\.id)))
        for rule in rules {
            #expect((rule["help"] as? [String: Any])?["text"] as? String != nil)
            #expect(["error", "warning", "note"].contains((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String))
        }
    }

    /// Every help URI points at a section of docs/rules.md that exists (GitHub's anchor for `### id` is `#id`).
    @Test func helpURIsResolveToRuleDocumentation() throws {
        let docs = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let headings = Set(docs.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)) })
        for rule in Fixtures.knowledge.rules {
            let descriptor = SARIFReporter.descriptor(rule)
            guard case .string(let uri)? = descriptor["helpUri"] else {
                Issue.record("\(rule.id) has no helpUri")
                continue
            }
            #expect(uri.hasPrefix(SysctlLintVersion.homepage + "/blob/main/docs/rules.md#"))
            let anchor = String(uri[uri.index(after: uri.lastIndex(of: "#")!)...])
            if !headings.contains(anchor) { Issue.record("docs/rules.md has no section for \(rule.id)") }
        }
    }

    /// The validator is only worth something if it rejects broken documents.
    @Test(.needsSharedCorpus, arguments: [
        (#"{"version": "2.1.0"}"#, "missing required property 'runs'"),
        (#"{"version": "2.0", "runs": []}"#, "is not one of the allowed values"),
        (#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}"#, "'fatal'"),
        (#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}}}]}"#, "valid uri"),
        (#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]}"#, "minimum"),
        (#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "bogus": 1}]}"#, "not allowed"),
    ])
    func validatorRejectsBrokenSARIF(_ document: String, _ expected: String) throws {
        let problems = try Self.validator.validate(Data(document.utf8))
        #expect(problems.contains { $0.description.contains(expected) }, "\(problems)")
    }
}

/// docs/rules.md is generated from the rule files; this fails when someone edits one without the other.
@Suite struct RuleDocsTests {
    @Test func rulesPageMatchesTheRuleFiles() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("docs/rules.md")
        let generated = RuleDocs.markdown(Fixtures.knowledge.rules)
        if ProcessInfo.processInfo.environment["SYSCTL_LINT_RECORD"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == generated, "docs/rules.md is stale: run `swift run sysctl-lint rules --format markdown > docs/rules.md`")
    }

    @Test func everyRuleHasItsOwnSection() {
        let markdown = RuleDocs.markdown(Fixtures.knowledge.rules)
        for rule in Fixtures.knowledge.rules {
            #expect(markdown.components(separatedBy: "\n### \(rule.id)\n").count == 2, "\(rule.id)")
        }
    }
}
