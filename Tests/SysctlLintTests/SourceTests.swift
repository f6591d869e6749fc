import Foundation
import Testing
@testable import SysctlLint

/// Kubernetes, Compose and Ansible files read into located assignments (Tests/Fixtures/repository: shapes of
/// real configuration repositories, described in its README), and what each format's own tools would refuse.
@Suite struct SourceTests {
    static let repository = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/repository").path

    static func read(_ relative: String) throws -> [ParsedFile] {
        let text = try InputReader().read(repository + "/" + relative)[0]
        return ConfigSources().parse(SourceText(path: relative, bytes: text.bytes))
    }

    static func placed(_ files: [ParsedFile]) -> [String] {
        files.flatMap(\.assignments).map { "\($0.key.name)=\($0.value)@\($0.location.line):\($0.location.column)" }
    }

    @Test func kubernetesWorkloadsAreUnitsWithPositions() throws {
        let files = try Self.read("k8s/workloads.yaml")
        #expect(files.count == 2, "the Deployment and the CronJob; the Service has no pod")
        #expect(Self.placed([files[0]]) == ["net.ipv4.tcp_keepalive_time=600@15:20", "net.core.somaxconn=128@17:20"])
        #expect(Self.placed([files[1]]) == ["net.ipv4.tcp_syn_retries=1@36:24"], "a / separator is read as the kubelet reads it")
        #expect(files[1].findings.contains { $0.rule == "k8s-host-network-sysctl" && $0.location?.line == 35 })
        #expect(files[0].findings.contains { $0.rule == "k8s-unsafe-sysctl" && $0.key == "net.core.somaxconn" })
    }

    @Test(arguments: [("1.28", false), ("1.29", true), ("1.36", true)])
    func theSafeSetFollowsTheKubernetesVersion(version: String, safe: Bool) throws {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n      - {name: net.ipv4.tcp_keepalive_time, value: \"600\"}\n"
        let files = ConfigSources(kubernetes: try #require(KubernetesVersion(version))).parse(SourceText(path: "p.yaml", text: text))
        #expect(files[0].findings.contains { $0.rule == "k8s-unsafe-sysctl" } == !safe)
        if !safe { #expect(files[0].findings.contains { $0.message.contains("safe from Kubernetes 1.29") }) }
    }

    @Test func reviewedReaderCases() {
        let absent = ConfigSources().parse(SourceText(path: "t.yml", text: "- sysctl: name=vm.swappiness value=0 state=absent\n"))
        #expect(absent[0].assignments.isEmpty, "state=absent in the free form removes, it does not set")
        let nix = ConfigSources().parse(SourceText(path: "c.nix", text: "{ boot.kernel.sysctl = { vm.x = 1; \"vm.swappiness\" = 10; }; }"))
        #expect(nix[0].assignments.map(\.key.name) == ["vm.swappiness"], "one unquoted attribute does not hide the rest")
        #expect(nix[0].findings.count == 1)
    }

    @Test func aComposeFileWithoutSysctlsIsCleanNotSkipped() {
        let files = ConfigSources().parse(SourceText(path: "docker-compose.yml", text: "services:\n  api:\n    image: nginx\n"))
        #expect(files.count == 1 && files[0].findings.isEmpty && files[0].statements.isEmpty,
                "a file named like a Compose file that never mentions sysctls sets none: no note claims it mentions them")
    }

    @Test func sysctlTemplatesKeepTheirPlainLines() throws {
        let files = try Self.read("roles/sysctl/templates/99-sysctl.conf.j2")
        #expect(Self.placed(files) == ["net.ipv4.tcp_keepalive_time=10@2:1"])
        #expect(files[0].findings.map(\.rule) == ["source-not-checkable"] && files[0].findings[0].message.hasPrefix("4 template lines"))
    }

    @Test func theKubeletsAllowancesAreHonoured() throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n      - {name: net.core.somaxconn, value: \"1024\"}\n"
        let kubelet = SourceText(path: "kubelet.yaml", text: "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nallowedUnsafeSysctls: [\"net.core.*\", kernel.msgmax]\n")
        let allowed = ConfigSources.kubeletAllowances(in: kubelet)
        #expect(allowed == ["net.core.*", "kernel.msgmax"])
        let findings = ConfigSources(allowedUnsafe: allowed).parse(SourceText(path: "p.yaml", text: pod))[0].findings
        #expect(findings.map(\.rule) == ["k8s-unsafe-sysctl"] && findings[0].severity == .info)
        #expect(ConfigSources().parse(SourceText(path: "p.yaml", text: pod))[0].findings[0].severity == .warning)
    }

    @Test func nodeTuningThatContainersDoNotGet() {
        let host = ConfigParser().parse(SourceText(path: "s.conf", text: "net.ipv4.tcp_keepalive_time = 600\nnet.ipv4.tcp_rmem = 4096 131072 6291456\nvm.swappiness = 10\n"))
        #expect(NamespaceModel.unreached(in: [host], kernel: KernelVersion(6, 8)).map(\.key) == ["net.ipv4.tcp_keepalive_time"],
                "tcp_rmem is copied into new namespaces; swappiness is not per namespace")
        #expect(NamespaceModel.unreached(in: [host], kernel: KernelVersion(4, 4)).isEmpty, "keepalive became per namespace in 4.5")
        #expect(NamespaceModel.start(of: "net.ipv4.tcp_max_tw_buckets", on: KernelVersion(6, 8)) == .derived("half the connection hash table"))
    }

    @Test func composeFormsMergesAndHostNetwork() throws {
        let files = try Self.read("docker-compose.yml")
        #expect(files.count == 3)
        #expect(Self.placed([files[0]]) == ["net.ipv4.tcp_tw_reuse=1@3:28"], "the merged extension field, at its own line")
        #expect(Self.placed([files[1]]) == ["net.core.somaxconn=511@12:9", "vm.overcommit_memory=1@13:9"])
        #expect(files[1].findings.map(\.rule) == ["docker-sysctl-not-allowed"])
        #expect(files[2].findings.map(\.rule) == ["docker-host-network-sysctl"])
    }

    @Test func ansibleTasksLoopsAndTemplates() throws {
        // Read by its full path, so that the role's defaults/ and vars/ beside it are found.
        let path = Self.repository + "/roles/sysctl/tasks/main.yml"
        let files = ConfigSources().parse(try InputReader().read(path)[0])
        #expect(files.count == 1, "one task file is one unit")
        #expect(Self.placed(files) == ["net.ipv4.tcp_tw_recycle=1@5:12", "net.ipv4.tcp_max_tw_buckets=5000@15:7",
                                       "net.ipv4.tcp_retries2=3@16:7", "vm.swappiness=1@21:12", "net.ipv4.ip_forward=1@24:11",
                                       "net.core.somaxconn=1024@30:9", "net.ipv4.tcp_keepalive_probes=3@30:9"],
                "vars/ wins over defaults/; a loop over a role variable is placed at the loop line")
        #expect(files[0].findings.map(\.message) == ["net.ipv4.tcp_syn_retries = {{ syn_retries }} is a template; its value is not guessed, so it is not checked"])
        let alone = try Self.read("roles/sysctl/tasks/main.yml")
        #expect(alone[0].findings.count == 3, "without the role beside it, role variables are templates too")
        #expect(AnsibleSource.freeFormWords("name={{ item.name }} value=\"a b\" state=present").map(String.init)
                == ["name={{ item.name }}", "value=\"a b\"", "state=present"])
    }

    @Test func nodeConfigurationFormats() throws {
        let talos = try Self.read("talos/controlplane.yaml")
        #expect(Self.placed(talos) == ["net.ipv4.tcp_keepalive_time=30@5:34", "vm.swappiness=0@6:20", "net.ipv4.tcp_retries2=5@13:26"],
                "machine.sysctls first, SysctlConfig after (it wins on conflicts)")
        let kops = try Self.read("kops/cluster.yaml")
        #expect(Self.placed(kops) == ["net.ipv4.tcp_syn_retries=2@7:7", "net.ipv4.tcp_tw_reuse=1@8:7"])
        let tuned = try Self.read("tuned/proxy/tuned.conf")
        #expect(Self.placed(tuned) == ["net.ipv4.tcp_fin_timeout=10@10:1", "net.core.somaxconn=65535@11:1"])
        #expect(tuned[0].assignments.map(\.valueColumn) == [28, 20])
        #expect(tuned[0].findings.map(\.rule) == ["source-not-checkable", "source-not-checkable"], "the include and the tuned function")
        let nix = try Self.read("nixos/configuration.nix")
        #expect(Self.placed(nix) == ["net.core.somaxconn=512@5:28", "net.ipv4.tcp_keepalive_time=120@6:51",
                                     "net.ipv4.tcp_tw_reuse=1@7:31", "net.ipv4.tcp_max_tw_buckets=4096@10:54"])
        #expect(nix[0].findings.map(\.message) == ["vm.swappiness = config.custom.swappiness needs evaluating Nix; its value is not guessed, so it is not checked"])
    }

    @Test(arguments: ["boot.kernel.sysctl = lib.mkMerge [ a b ];", "boot.kernel.sysctl = { net.core.somaxconn = 1; };",
                      "boot.kernel.sysctl = { \"a\" = ", "/* boot.kernel.sysctl = { \"vm.x\" = 1; }; */", "\"boot.kernel.sysctl\""])
    func nixThatNeedsEvaluatingIsNotGuessed(text: String) {
        let file = ConfigSources().parse(SourceText(path: "c.nix", text: text))[0]
        #expect(file.assignments.isEmpty)
    }

    @Test func formatsAreToldByContent() {
        #expect(ConfigSources.detect(try! YAMLDocumentsShim.parse("apiVersion: v1\nkind: Pod\n")) == .kubernetes)
        #expect(ConfigSources.detect(try! YAMLDocumentsShim.parse("services:\n  a: {image: x}\n")) == .compose)
        #expect(ConfigSources.detect(try! YAMLDocumentsShim.parse("- hosts: all\n  tasks: []\n")) == .ansible)
        #expect(ConfigSources.detect(try! YAMLDocumentsShim.parse("site_name: docs\n")) == nil)
    }

    @Test func theRepositoryWalkFindsEverySource() {
        let walk = RepositoryWalk().files(under: Self.repository)
        let names = walk.paths.map { String($0.dropFirst(Self.repository.count + 1)) }
        #expect(names == ["charts/app/templates/deployment.yaml", "docker-compose.yml", "docs/mkdocs.yml",
                          "etc/sysctl.d/99-tuning.conf", "k8s/workloads.yaml", "kops/cluster.yaml", "nixos/configuration.nix",
                          "roles/sysctl/defaults/main.yml", "roles/sysctl/tasks/main.yml", "roles/sysctl/templates/99-sysctl.conf.j2",
                          "roles/sysctl/vars/main.yml",
                          "talos/controlplane.yaml", "tuned/proxy/tuned.conf"])
        #expect(!walk.truncated)
        #expect(RepositoryWalk.isRepository(Self.repository))
        #expect(!RepositoryWalk.isRepository(Self.repository + "/etc/sysctl.d"), "a folder of *.conf files is a sysctl.d folder")
    }

    @Test(arguments: [
        ("sysctls: [a\n", "source-invalid"),                                   // invalid YAML that mentions sysctls
        ("kind: Pod\nspec: {{ .Values.spec }}\n# sysctls\n", "source-not-checkable"),  // a template
        ("apiVersion: v1\nkind: ConfigMap\ndata: {sysctls: x}\n", "source-skipped"),  // a kind without pods
        ("other: 1\n# sysctls elsewhere\n", "source-skipped"),                 // a YAML file of no known format
    ] as [(String, String?)])
    func badInputIsNamed(text: String, rule: String?) {
        let files = ConfigSources().parse(SourceText(path: "x.yaml", text: text))
        #expect(files.flatMap(\.findings).map(\.rule) == (rule.map { [$0] } ?? []))
    }

    /// Aliases are allowed, within bounds checked before anything expands.
    @Test func yamlBombsAndHugeFilesStopWithAMessage() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 { bomb += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n" }
        bomb += "sysctls: 1\n"
        let expanded = ConfigSources(kubernetes: .newest).parse(SourceText(path: "bomb.yaml", text: bomb), as: .compose)
        #expect(expanded.first?.findings.first?.message.contains("expands to more than") == true)
        let keyAlias = ConfigSources().parse(SourceText(path: "k.yaml", text: "a: &a x\n*a : 1\nsysctls: 1\n"), as: .compose)
        #expect(keyAlias.first?.findings.first?.message.contains("alias used as a mapping key") == true)
        let documents = String(repeating: "---\nkind: Pod\n", count: 10_001) + "# sysctls\n"
        let many = ConfigSources().parse(SourceText(path: "m.yaml", text: documents))
        #expect(many.first?.findings.first?.message.contains("more than 10000 YAML documents") == true)
    }
}

/// Parses YAML documents for the detection test.
enum YAMLDocumentsShim {
    static func parse(_ text: String) throws -> [YAMLTree] { try YAMLDocuments.parse(text, file: "t.yaml") }
}
