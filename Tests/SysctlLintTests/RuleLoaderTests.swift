import Testing
@testable import SysctlLint

/// Broken rule files are rejected at load time with file:line:column.
@Suite struct RuleLoaderTests {
    @Test(arguments: [("tcp-retries2-low", true), ("a", true), ("k8s-unsafe-sysctl", true), ("", false), ("-a", false),
                      ("a-", false), ("a--b", false), ("A-b", false), ("a_b", false), ("é", false), ("a b", false)])
    func ruleIdsAreKebabCase(id: String, valid: Bool) {
        #expect(RuleLoader.isKebabCase(id) == valid)
    }

    static func rule(when condition: String = "value > 1", message: String = "m", extra: String = "") -> String {
        """
        rules:
          - id: test-rule
            title: T
            severity: warning
            keys: net.ipv4.tcp_retries2
            when: \(condition)
            message: \(message)
            fix: f
            rationale: r
            references: [x]
        \(extra)    examples:
              trigger: ["net.ipv4.tcp_retries2 = 3"]
              pass: ["net.ipv4.tcp_retries2 = 1"]
        """
    }

    func problem(_ text: String) -> DataFileProblem? {
        do {
            _ = try RuleLoader.load(text: text, file: "user.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func validRuleLoadsAndRuns() throws {
        let rules = try RuleLoader.load(text: Self.rule(), file: "user.yaml")
        #expect(rules.map(\.id) == ["test-rule"])
        var knowledge = Fixtures.knowledge
        knowledge = Knowledge(rules: rules, catalogue: knowledge.catalogue)
        let result = Linter(knowledge: knowledge).lint([SourceText(path: "a.conf", text: "net.ipv4.tcp_retries2 = 3")])
        #expect(result.findings.map(\.rule) == ["test-rule"])
    }

    /// A rule's key is a file under /proc/sys, named by bytes: a key whose text is only canonically equivalent
    /// (U+212A KELVIN SIGN for `K`, a decomposed `é`) is another file, which the rule does not watch.
    @Test(arguments: [("kernel.K", "kernel.\u{212A}"), ("kernel.caf\u{E9}", "kernel.cafe\u{301}")])
    func ruleKeysMatchByBytes(watched: String, equivalent: String) throws {
        let text = Self.rule().replacingOccurrences(of: "net.ipv4.tcp_retries2", with: watched)
        let knowledge = Knowledge(rules: try RuleLoader.load(text: text, file: "user.yaml"), catalogue: Fixtures.knowledge.catalogue)
        let lint = { (key: String) in Linter(knowledge: knowledge).lint([SourceText(path: "a.conf", text: "\(key) = 3")]).findings.map(\.rule) }
        #expect(lint(watched) == ["test-rule"])
        #expect(equivalent == watched, "the spellings are canonically equivalent text")
        #expect(!lint(equivalent).contains("test-rule"))
    }

    @Test func yamlSyntaxErrorHasPosition() throws {
        let found = try #require(problem("rules:\n  - id: [unclosed\n"))
        #expect(found.file == "user.yaml")
        #expect(found.line != nil && found.column != nil)
        #expect(found.message.contains("invalid YAML"))
    }

    @Test func unknownFieldSuggestsTheRightOne() throws {
        let text = Self.rule().replacingOccurrences(of: "    rationale: r", with: "    rationle: r")
        let found = try #require(problem(text))
        #expect(found.line == 9 && found.column == 5)
        #expect(found.message.contains("unknown field 'rationle'") && found.message.contains("did you mean 'rationale'"))
    }

    @Test(arguments: [
        ("value > \"abc\"", "cannot compare a sysctl with a string", 17),
        ("value + 1", "must be true or false", 11),
        ("valu > 3", "unknown name 'valu'", 11),
        ("figure(\"keepalive\") > 3", "unknown figure", 18),
        ("kernel >= \"four\"", "version literal", 18),
        ("value > 1 and", "unexpected end of expression", 24),
        ("not value", "'not' needs true or false", 11),
    ])
    func conditionThatDoesNotTypeCheckIsRejected(_ condition: String, _ fragment: String, _ column: Int) throws {
        let found = try #require(problem(Self.rule(when: condition)))
        #expect(found.message.contains(fragment), "\(found.message)")
        #expect(found.line == 6)
        #expect(found.column == column, "\(found)")
    }

    @Test func messageInterpolationIsChecked() throws {
        let found = try #require(problem(Self.rule(message: "gives up after {figure(\"retries2_giveup\") | seconds}")))
        #expect(found.message.contains("a format"))
        #expect(found.line == 7)
    }

    @Test func deepNestingIsRejectedNotCrashing() throws {
        let deep = String(repeating: "(", count: 500) + "value > 1" + String(repeating: ")", count: 500)
        let found = try #require(problem(Self.rule(when: "\"\(deep)\"")))
        #expect(found.message.contains("nested too deeply"))
    }

    /// Chains of any operator, not only parentheses, are bounded: evaluation recurses once per level.
    @Test(arguments: [
        (Array(repeating: "value", count: 200).joined(separator: " + ") + " > 1", "nested too deeply"),
        (Array(repeating: "value > 1", count: 200).joined(separator: " and "), "nested too deeply"),
        (Array(repeating: "1<1", count: 1100).joined(separator: " or "), "tokens"),
        (String(repeating: "1", count: 9000) + " > 1", "bytes"),
    ])
    func longChainsAreRejectedNotCrashing(_ condition: String, _ fragment: String) throws {
        let found = try #require(problem(Self.rule(when: "\"\(condition)\"")))
        #expect(found.message.contains(fragment), "\(found.message.prefix(120))")
    }

    @Test func longChainsInMessagesAreRejectedToo() throws {
        let chain = Array(repeating: "value", count: 200).joined(separator: " + ")
        let found = try #require(problem(Self.rule(message: "\"gives {\(chain)}\"")))
        #expect(found.message.contains("nested too deeply"), "\(found.message.prefix(120))")
    }

    @Test func duplicateIdsAndBadSeverityAreRejected() throws {
        let twice = Self.rule() + "\n" + Self.rule().replacingOccurrences(of: "rules:\n", with: "")
        #expect(try #require(problem(twice)).message.contains("defined twice"))
        let badSeverity = Self.rule().replacingOccurrences(of: "severity: warning", with: "severity: fatal")
        #expect(try #require(problem(badSeverity)).message.contains("error, warning or info"))
    }

    @Test func userRuleReplacesShippedRuleWithTheSameId() throws {
        var knowledge = Fixtures.knowledge
        let text = Self.rule().replacingOccurrences(of: "id: test-rule", with: "id: tcp-retries2-low")
            .replacingOccurrences(of: "severity: warning", with: "severity: error")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("override-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let before = knowledge.rules.count
        try knowledge.addUserRules(at: path)
        #expect(knowledge.rules.count == before)
        #expect(knowledge.rule(id: "tcp-retries2-low")?.severity == .error)
    }
}

import Foundation
