import Foundation
import Testing

/// `sysctl-lint diff`: what a change does, in each format, with the exit status on introduced findings only.
@Suite struct DiffTests {
    static let before = "examples/review/before.conf", after = "examples/review/after.conf"

    /// examples/expected/review.{txt,md} are recorded like the other golden reports (SYSCTL_LINT_RECORD=1).
    @Test(arguments: [("text", "txt"), ("markdown", "md")])
    func reviewMatchesGoldenFiles(_ format: String, _ ext: String) throws {
        let run = try CLITests.run(["diff", "--color", "never", "--format", format, Self.before, Self.after])
        let golden = CLITests.packageRoot.appendingPathComponent("examples/expected/review.\(ext)")
        if ProcessInfo.processInfo.environment["SYSCTL_LINT_RECORD"] == "1" {
            try run.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(run.stdout == (try String(contentsOf: golden, encoding: .utf8)))
        #expect(run.status == 1)
    }

    @Test func jsonNamesValuesFiguresAndFindings() throws {
        let run = try CLITests.run(["diff", "--format", "json", Self.before, Self.after])
        let report = try CLITests.json(run.stdout)
        #expect(report["kind"] as? String == "diff" && report["schema_version"] as? Int == 1)
        let values = report["values"] as? [[String: Any]] ?? []
        let retries = try #require(values.first { $0["key"] as? String == "net.ipv4.tcp_retries2" })
        #expect(retries["before"] is NSNull && retries["after"] as? String == "3" && retries["default"] as? String == "15")
        let figures = report["figures"] as? [[String: Any]] ?? []
        let giveUp = try #require(figures.first { $0["name"] as? String == "retries2_giveup" })
        #expect((giveUp["before"] as? [String: Any])?["value"] as? Double == 924.6)
        #expect((giveUp["after"] as? [String: Any])?["value"] as? Double == 3)
        let introduced = (report["introduced"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        let resolved = (report["resolved"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(Set(introduced) == ["tcp-retries2-low", "tcp-keepalive-time-short"])
        #expect(resolved == ["key-not-in-kernel"])
        // tcp_syn_retries goes from 2 to 1: the finding persists, so it is neither introduced nor resolved.
        #expect((report["summary"] as? [String: Int])?["unchanged"] == 1)
    }

    @Test func exitStatusFollowsIntroducedFindingsOnly() throws {
        // Reverting the change resolves two warnings but brings back the tcp_tw_recycle error.
        #expect(try CLITests.run(["diff", Self.after, Self.before]).status == 1)
        #expect(try CLITests.run(["diff", "--fail-level", "none", Self.before, Self.after]).status == 0)
        // The clean example only resolves findings.
        #expect(try CLITests.run(["diff", "examples/close-wait-folklore.conf", "examples/clean.conf"]).status == 0)
    }

    /// git difftool passes /dev/null for an added or deleted file.
    @Test func devNullIsAnEmptySide() throws {
        let added = try CLITests.run(["diff", "--format", "json", "/dev/null", Self.after])
        #expect(added.status == 1)
        #expect((try CLITests.json(added.stdout)["resolved"] as? [Any])?.isEmpty == true)
        let deleted = try CLITests.run(["diff", "--format", "json", Self.after, "/dev/null"])
        #expect(deleted.status == 0)
        #expect((try CLITests.json(deleted.stdout)["introduced"] as? [Any])?.isEmpty == true)
    }

    @Test func treesAreComparedByPathInsideEachRoot() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-lint-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        for (side, text) in [("old", "net.ipv4.tcp_syn_retries = 2\n"), ("new", "net.ipv4.tcp_syn_retries = 1\nvm.swappiness = 10\n")] {
            let folder = base.appendingPathComponent("\(side)/etc/sysctl.d")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try text.write(to: folder.appendingPathComponent("90-net.conf"), atomically: true, encoding: .utf8)
        }
        let run = try CLITests.run(["diff", "--root", "--format", "json", base.appendingPathComponent("old").path, base.appendingPathComponent("new").path])
        let report = try CLITests.json(run.stdout)
        #expect((report["values"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["net.ipv4.tcp_syn_retries", "vm.swappiness"])
        #expect((report["introduced"] as? [Any])?.isEmpty == true)  // same file inside each root: the finding persists
        #expect(run.status == 0)
        #expect(try CLITests.run(["diff", "--root", "examples/review/before.conf", base.path]).status == 2)
    }

    @Test func unreadableSideExitsTwo() throws {
        let run = try CLITests.run(["diff", "examples/review/missing.conf", Self.after])
        #expect(run.status == 2 && run.stderr.contains("examples/review/missing.conf"))
    }
}
