import Foundation
import Testing
@testable import SysctlLint

/// sysctl.d trees loaded as the boot-time loaders do (loader-semantics.md §3 and §7 items 45–49), in temporary
/// folders built per test.
@Suite struct TreeTests {
    typealias Entry = RuleExample.TreeEntry

    /// Builds the tree, loads it with `loader`, lints it; the folder is removed afterwards.
    static func load(_ entries: [String: String], loader: LoaderKind = .systemd,
                     outside: [String: String] = [:]) throws -> (tree: ConfigTree, result: LintResult, root: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tree-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try ExampleRunner.materialise(outside.map { Entry(path: $0.key, content: $0.value) }, at: base)
        let root = base + "/root"
        try ExampleRunner.materialise(entries.map { Entry(path: $0.key, content: $0.value) }, at: root)
        let tree = ConfigTreeLoader(root: root, loader: loader).load()
        let parser = ConfigParser()
        let result = Linter(knowledge: Fixtures.knowledge).lint(
            LintRequest(config: tree.sources.map(parser.parse), findings: tree.findings))
        return (tree, result, root)
    }

    static func value(_ key: String, _ result: (tree: ConfigTree, result: LintResult, root: String)) -> String? {
        let parser = ConfigParser()
        return EffectiveState(files: result.tree.sources.map(parser.parse)).assignment(for: key)?.value
    }

    static func names(_ tree: ConfigTree) -> [String] {
        tree.sources.map { ($0.path as NSString).lastPathComponent }
    }

    @Test(arguments: LoaderKind.allCases)
    func higherDirectoryOwnsTheName(loader: LoaderKind) throws {
        let loaded = try Self.load([
            "usr/lib/sysctl.d/50-net.conf": "net.ipv4.tcp_retries2 = 3\n",
            "etc/sysctl.d/50-net.conf": "net.ipv4.tcp_retries2 = 8\n",
            "run/sysctl.d/50-net.conf": "net.ipv4.tcp_retries2 = 5\n",
        ], loader: loader)
        #expect(Self.value("net.ipv4.tcp_retries2", loaded) == "8")
        #expect(loaded.tree.sources.count == 1)
        #expect(loaded.result.findings.filter { $0.rule == "tree-shadowed-file" }.count == 2)
    }

    @Test(arguments: LoaderKind.allCases)
    func devNullLinkMasks(loader: LoaderKind) throws {
        let loaded = try Self.load([
            "usr/lib/sysctl.d/50-vendor.conf": "vm.swappiness = 1\n",
            "etc/sysctl.d/50-vendor.conf": "-> /dev/null",
        ], loader: loader)
        #expect(loaded.tree.sources.isEmpty)
        #expect(Self.value("vm.swappiness", loaded) == nil)
        #expect(loaded.result.findings.contains { $0.rule == "tree-masked-file" })
    }

    @Test func oneByteOrderSortAcrossDirectories() throws {
        let loaded = try Self.load([
            "usr/lib/sysctl.d/9-x.conf": "vm.swappiness = 9\n",
            "etc/sysctl.d/10-x.conf": "vm.swappiness = 10\n",
            "run/sysctl.d/Z-upper.conf": "kernel.sysrq = 1\n",
            "usr/local/lib/sysctl.d/a-lower.conf": "kernel.sysrq = 0\n",
        ])
        #expect(Self.names(loaded.tree) == ["10-x.conf", "9-x.conf", "Z-upper.conf", "a-lower.conf"])
        #expect(Self.value("vm.swappiness", loaded) == "9")
        #expect(Self.value("kernel.sysrq", loaded) == "0")
    }

    @Test func etcSysctlConfUnderEachLoader() throws {
        let files = ["etc/sysctl.conf": "vm.swappiness = 1\n", "etc/sysctl.d/zz.conf": "vm.swappiness = 2\n"]
        let procps = try Self.load(files, loader: .procps)
        #expect(Self.value("vm.swappiness", procps) == "1", "procps applies /etc/sysctl.conf last")
        let systemd = try Self.load(files, loader: .systemd)
        #expect(Self.value("vm.swappiness", systemd) == "2")
        #expect(systemd.result.findings.contains { $0.rule == "sysctl-conf-ignored" })

        var linked = files
        linked["etc/sysctl.d/99-sysctl.conf"] = "-> ../sysctl.conf"
        let debian = try Self.load(linked, loader: .systemd)
        #expect(Self.names(debian.tree) == ["99-sysctl.conf", "zz.conf"], "the link sits at 99-, zz.conf sorts after it")
        #expect(Self.value("vm.swappiness", debian) == "2")
        #expect(!debian.result.findings.contains { $0.rule == "sysctl-conf-ignored" })
        let twice = try Self.load(linked, loader: .procps)
        #expect(Self.value("vm.swappiness", twice) == "1")
        #expect(twice.tree.sources.count == 3)
        #expect(twice.result.findings.contains { $0.rule == "sysctl-conf-applied-twice" })
    }

    /// Conformance cases 23 and 24 split across files: explicit keys beat globs whatever the file order.
    @Test(arguments: [("10-glob.conf", "20-explicit.conf"), ("20-glob.conf", "10-explicit.conf")])
    func explicitKeyBeatsGlobAcrossFiles(globFile: String, explicitFile: String) throws {
        let loaded = try Self.load([
            "etc/sysctl.d/\(globFile)": "net.ipv4.conf.*.rp_filter = 2\n",
            "etc/sysctl.d/\(explicitFile)": "net.ipv4.conf.lo.rp_filter = 0\n-net.ipv4.conf.all.rp_filter\n",
        ])
        #expect(Self.value("net.ipv4.conf.lo.rp_filter", loaded) == "0")
        #expect(Self.value("net.ipv4.conf.eth0.rp_filter", loaded) == "2")
        #expect(Self.value("net.ipv4.conf.all.rp_filter", loaded) == nil)
        #expect(loaded.result.findings.contains { $0.rule == "glob-overridden-by-key" && $0.location?.file.hasSuffix(explicitFile) == true })
    }

    @Test func exclusionInALaterFileDropsTheKeyUnderSystemd() throws {
        let loaded = try Self.load([
            "etc/sysctl.d/10-a.conf": "net.ipv4.ip_forward = 1\n",
            "etc/sysctl.d/20-b.conf": "-net.ipv4.ip_forward\n",
        ])
        let finding = try #require(loaded.result.findings.first { $0.rule == "excluded-after-assignment" })
        #expect(finding.location?.file.hasSuffix("20-b.conf") == true)
    }

    @Test(arguments: ["/outside/secret.conf", "../../../outside/secret.conf", "../../../../../../../outside/secret.conf"])
    func linksNeverLeaveTheRoot(target: String) throws {
        let loaded = try Self.load(["etc/sysctl.d/50-link.conf": "-> \(target)"],
                                   outside: ["outside/secret.conf": "kernel.domainname = leaked\n"])
        #expect(loaded.tree.sources.isEmpty, "nothing outside the root may be read")
        #expect(!loaded.result.findings.contains { $0.value == "leaked" })
        #expect(loaded.result.findings.contains { $0.rule == "tree-dangling-link" })
    }

    @Test func linksInsideTheRootAreFollowedThere() throws {
        let loaded = try Self.load([
            "etc/sysctl.d/50-link.conf": "-> /opt/tuning/net.conf",
            "opt/tuning/net.conf": "net.ipv4.tcp_retries2 = 8\n",
        ])
        #expect(Self.value("net.ipv4.tcp_retries2", loaded) == "8")
        #expect(loaded.tree.sources.first?.path.hasSuffix("/etc/sysctl.d/50-link.conf") == true, "findings name the file the loader lists")
    }

    @Test func unreadableFilesAreReportedNotFatal() throws {
        var entries = [
            "etc/sysctl.d/10-loop.conf": "-> 11-loop.conf",
            "etc/sysctl.d/11-loop.conf": "-> 10-loop.conf",
            "etc/sysctl.d/20-ok.conf": "vm.swappiness = 10\n",
            "etc/sysctl.d/30-binary.conf": String(repeating: "\u{01}\u{02}\u{00}", count: 100),
        ]
        entries["etc/sysctl.d/40-ok.conf"] = "kernel.sysrq = 0\n"
        let loaded = try Self.load(entries)
        #expect(Self.value("vm.swappiness", loaded) == "10")
        #expect(Self.value("kernel.sysrq", loaded) == "0")
        let unreadable = loaded.result.findings.filter { $0.rule == "tree-unreadable-file" }
        #expect(unreadable.count == 3, "\(unreadable.map(\.message))")
        #expect(unreadable.allSatisfy { $0.fix != nil }, "tree findings say what to do")
    }

    @Test func permissionDeniedIsAFindingWhenNotRoot() throws {
        guard getuid() != 0 else { return }  // root reads mode-000 files; the link loop above covers that case
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tree-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try ExampleRunner.materialise([Entry(path: "etc/sysctl.d/10-secret.conf", content: "vm.swappiness = 1\n")], at: base)
        chmod(base + "/etc/sysctl.d/10-secret.conf", 0)
        let tree = ConfigTreeLoader(root: base, loader: .systemd).load()
        #expect(tree.sources.isEmpty)
        #expect(tree.findings.contains { $0.rule == "tree-unreadable-file" })
    }

    @Test func directoryNamedConf() throws {
        let systemd = try Self.load(["etc/sysctl.d/70-dir.conf": "<dir>", "etc/sysctl.d/71.conf": "vm.swappiness = 1\n"])
        #expect(systemd.result.findings.first { $0.rule == "tree-conf-directory" }?.severity == .error)
        #expect(Self.value("vm.swappiness", systemd) == "1")
        let procps = try Self.load(["etc/sysctl.d/70-dir.conf": "<dir>"], loader: .procps)
        #expect(procps.result.findings.first { $0.rule == "tree-conf-directory" }?.severity == .info)
    }

    @Test func hiddenFilesDependOnTheLoader() throws {
        let files = ["etc/sysctl.d/.old.conf": "vm.swappiness = 1\n"]
        #expect(try Self.load(files, loader: .systemd).tree.sources.isEmpty)
        #expect(try Self.load(files, loader: .procps).tree.sources.count == 1)
        #expect(try Self.load(files, loader: .systemd).result.findings.contains { $0.rule == "tree-hidden-file" })
    }

    @Test func onlyDotConfNamesCaseSensitively() throws {
        let loaded = try Self.load([
            "etc/sysctl.d/a.CONF": "vm.swappiness = 1\n",
            "etc/sysctl.d/b.conf.bak": "vm.swappiness = 2\n",
            "etc/sysctl.d/c.conf": "vm.swappiness = 3\n",
        ])
        #expect(Self.names(loaded.tree) == ["c.conf"])
    }
}
