import Foundation
import Testing
@testable import SysctlLint

/// Project settings: selectors, path patterns, the starter file, and how a policy changes findings.
@Suite struct PolicyTests {
    @Test(arguments: [
        ("tcp-retries", "tcp-retries2-low", false), ("tcp-retries2", "tcp-retries2-low", true),
        ("tcp", "tcp-tw-recycle", true), ("tcp-tw-recycle", "tcp-tw-recycle", true), ("tc", "tcp-tw-recycle", false),
        ("all", "invalid-line", true),
    ])
    func selectorsMatchIdsAndDashPrefixes(_ selector: String, _ id: String, _ expected: Bool) {
        #expect(RuleSelector(selector).matches(id) == expected)
    }

    @Test(arguments: [
        ("etc/**/99-*.conf", "etc/sysctl.d/99-net.conf", true), ("etc/**/99-*.conf", "etc/99-net.conf", true),
        ("etc/*.conf", "etc/sysctl.d/x.conf", false), ("**", "a/b/c", true), ("./vendor/*", "vendor/x", true),
        ("x?.conf", "x1.conf", true), ("x?.conf", "x12.conf", false), ("**/a/**/b", "a/x/b", true), ("a/**/**/b", "a/b", true),
        ("**/**/c", "c", true), ("a/**", "b/c", false),
        // Many `**` against a long path that does not match: bounded work (this was exponential).
        (Array(repeating: "**", count: 40).joined(separator: "/") + "/nomatch", Array(repeating: "d", count: 60).joined(separator: "/"), false),
    ])
    func pathPatterns(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathPattern.matches(pattern, path) == expected)
    }

    /// The starter must load as written (all commented out) and with every example setting switched on.
    @Test func starterLoadsCommentedAndUncommented() throws {
        let commented = try ProjectConfig.parse(ProjectConfig.starter, file: "starter.yaml")
        #expect(commented.failLevel == nil && commented.ignore.isEmpty)
        // Uncomment the example settings: "# field: …" lines and their indented continuations.
        let settings = ProjectConfig.starter.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let isField = ProjectConfig.fields.contains { line.hasPrefix("# \($0):") }
            return isField || line.hasPrefix("#   ") ? line.dropFirst(2) : line
        }.joined(separator: "\n")
        let config = try ProjectConfig.parse(settings, file: "dir/starter.yaml")
        #expect(config.kernel == KernelVersion("6.8") && config.loader == .systemd && config.failLevel == .warning)
        #expect(config.ignore.map(\.text) == ["tcp-slow-start-after-idle-off"])
        #expect(config.perPathIgnores.first?.pattern == "vendor/**/*.conf")
        #expect(config.severity.first?.severity == .warning)
        #expect(config.rules.count == 1 && config.rules[0].hasSuffix("/dir/sysctl-rules"))
        try config.validateRules(Fixtures.knowledge.rules.map(\.id))
    }

    /// The selectors the starter's comments quote behave as the comments say.
    @Test func starterExamplesSelectWhatTheySay() {
        let ids = Fixtures.knowledge.rules.map(\.id)
        let family = RuleSelector("tcp-keepalive")
        for id in ["tcp-keepalive-time-short", "tcp-keepalive-close-wait"] {
            #expect(ProjectConfig.starter.contains(id) && family.matches(id))
        }
        #expect(!ids.contains(where: RuleSelector("tcp-retries").matches), "the starter says tcp-retries selects nothing")
    }

    @Test func laterSeverityEntriesWinSoARuleCanFollowItsFamily() throws {
        let config = try ProjectConfig.parse("severity:\n  tcp: info\n  tcp-retries2-low: error\n", file: "p.yaml")
        let findings = FindingPolicy(config).apply(Fixtures.lint("net.ipv4.tcp_retries2 = 3\nnet.ipv4.tcp_syn_retries = 1\n").findings)
        #expect(findings.first { $0.rule == "tcp-retries2-low" }?.severity == .error)
        #expect(findings.first { $0.rule == "tcp-syn-retries-low" }?.severity == .info)
    }

    /// The project-file search walks up from an absolute folder to the root, and from a relative one (which is all
    /// a path can be once the working directory is deleted) nowhere: its parents `..`, `../..` never end.
    @Test func theProjectFileSearchEndsAtTheRootOrAtARelativeFolder() throws {
        #expect(ProjectConfig.enclosingFolders(from: URL(fileURLWithPath: "/a/b")).map(\.path) == ["/a/b", "/a", "/"])
        let relative = try #require(URL(string: "a/b"))
        #expect(ProjectConfig.enclosingFolders(from: relative).map(\.path) == ["a/b"])
    }
}
