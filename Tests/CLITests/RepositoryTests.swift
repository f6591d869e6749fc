import Foundation
import Testing

/// A config repository as pre-commit and CI pass it: many unrelated files in one call.
@Suite struct RepositoryTests {
    /// roles/web and roles/db each ship a 60-net.conf; pre-commit passes both (db first, as it sorts paths).
    static func twoRoles() throws -> (root: URL, files: [String]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID().uuidString)")
        var files: [String] = []
        for (role, value) in [("db", "512"), ("web", "65535")] {
            let folder = root.appendingPathComponent("roles/\(role)/files/sysctl.d")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("60-net.conf")
            try Data("net.core.somaxconn = \(value)\n".utf8).write(to: file)
            files.append(file.path)
        }
        return (root, files)
    }

    @Test func unrelatedFilesDoNotHideEachOthersFindings() throws {
        let (root, files) = try Self.twoRoles()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try CLITests.run(["check"] + files)
        #expect(run.status == 1, "the db role's warning fails the hook")
        #expect(run.stdout.contains("roles/db/files/sysctl.d/60-net.conf:1:1: warning: net.core.somaxconn = 512"))
        #expect(!run.stdout.contains("overridden-assignment"))
    }

    @Test func stackAppliesFilesInOrder() throws {
        let (root, files) = try Self.twoRoles()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try CLITests.run(["check", "--stack"] + files)
        #expect(run.status == 0)
        #expect(run.stdout.contains("[overridden-assignment]"))
        #expect(!run.stdout.contains("somaxconn-low"))
    }

    @Test func jsonCarriesEachFilesFigures() throws {
        let run = try CLITests.run(["--format", "json", "examples/close-wait-folklore.conf", "examples/clean.conf"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let units = try #require(report["units"] as? [[String: Any]])
        #expect(units.map { $0["files"] as? [String] ?? [] } == [["examples/close-wait-folklore.conf"], ["examples/clean.conf"]])
        let first = try #require(units[0]["computed"] as? [[String: Any]])
        #expect(first.contains { $0["name"] as? String == "retries2_giveup" && $0["value"] as? Double == 3 })
        #expect((report["computed"] as? [Any])?.isEmpty == true, "no single state exists across unrelated files")
    }

    @Test func quietFiguresForAFileThatChangesNone() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quiet-\(UUID().uuidString).conf")
        try Data("kernel.sysrq = 0\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try CLITests.run([file.path])
        #expect(run.stdout.contains("No computed figure differs from the defaults"))
        #expect(!run.stdout.contains("keepalive_dead_peer"))
        #expect(try CLITests.run(["--all-figures", file.path]).stdout.contains("keepalive_dead_peer"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/sys/kernel/osrelease")))
    func thisMachineMeansItsKernel() throws {
        let release = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        let run = try CLITests.run(["--system", "--format", "json", "--fail-level", "none"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(report["kernel_source"] as? String == "running")
        #expect(release.hasPrefix(try #require(report["kernel"] as? String)))
        let live = try CLITests.run(["--system", "--live", "--fail-level", "none"])
        #expect(live.stdout.components(separatedBy: "[snapshot-unreadable-key]").count <= 2, "at most one summary, no per-key noise")
    }

    @Test func targetBeyondTheModelSaysSo() throws {
        let run = try CLITests.run(["--kernel", "7.2", "--all-figures", "examples/clean.conf"])
        #expect(run.stdout.contains("Linux 7.2; the model's facts stop at Linux 6.18"))
    }
}
