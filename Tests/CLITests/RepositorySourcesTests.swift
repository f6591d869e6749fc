import Foundation
import Testing

/// `sysctl-lint .` on a configuration repository mixing sysctl.d files, Kubernetes, Compose and Ansible: every
/// value reported at its own file:line:column in every format.
@Suite struct RepositorySourcesTests {
    static let repository = "Tests/Fixtures/repository"

    @Test func jsonPlacesEachValue() throws {
        let run = try CLITests.run(["--format", "json", "--no-config", Self.repository])
        #expect(run.status == 1, "\(run.stderr)")
        let findings = try CLITests.json(run.stdout)["findings"] as? [[String: Any]] ?? []
        func at(_ rule: String, _ file: String) -> [String] {
            findings.filter { $0["rule"] as? String == rule && ($0["file"] as? String)?.hasSuffix(file) == true }
                .map { "\($0["line"] as? Int ?? 0):\($0["column"] as? Int ?? 0)" }
        }
        #expect(at("somaxconn-low", "k8s/workloads.yaml") == ["17:20"])
        #expect(at("somaxconn-low", "docker-compose.yml") == ["12:9"])
        #expect(at("tcp-retries2-low", "roles/sysctl/tasks/main.yml") == ["16:7"])
        #expect(at("tcp-keepalive-time-short", "etc/sysctl.d/99-tuning.conf") == ["2:1"])
        #expect(at("source-not-checkable", "charts/app/templates/deployment.yaml").count == 1)
        #expect(!findings.contains { ($0["file"] as? String)?.hasSuffix("mkdocs.yml") == true })
        // The node's per-namespace tuning does not reach the pods and services checked with it.
        #expect(at("host-tuning-not-in-containers", "etc/sysctl.d/99-tuning.conf") == ["2:1", "3:1"])
        #expect(at("host-tuning-not-in-containers", "nixos/configuration.nix").count == 4)
        #expect(at("host-tuning-not-in-containers", "k8s/workloads.yaml").isEmpty, "pods are not the node")
    }

    @Test(arguments: ["sarif", "gcc", "github", "checkstyle"])
    func everyFormatPointsAtTheValue(format: String) throws {
        let run = try CLITests.run(["--format", format, "--no-config", Self.repository])
        #expect(run.status == 1, "\(run.stderr)")
        switch format {
        case "sarif":
            #expect(run.stdout.contains("\"uri\" : \"Tests/Fixtures/repository/k8s/workloads.yaml\"") || run.stdout.contains("k8s/workloads.yaml"))
            #expect(run.stdout.contains("\"startLine\" : 17"))
        case "gcc": #expect(run.stdout.contains("k8s/workloads.yaml:17:20: warning:"))
        case "github": #expect(run.stdout.contains("file=Tests/Fixtures/repository/k8s/workloads.yaml,line=17,col=20"))
        default: #expect(run.stdout.contains("line=\"17\""))
        }
    }

    /// --source-format names the format of YAML files; sysctl files of a repository are still sysctl files.
    @Test func aSourceFormatDoesNotTurnSysctlFilesIntoYAML() throws {
        let run = try CLITests.run(["--format", "gcc", "--no-config", "--source-format", "kubernetes", Self.repository])
        #expect(run.stdout.contains("etc/sysctl.d/99-tuning.conf:2:1: warning:"), "\(run.stdout.prefix(300))")
        #expect(!run.stdout.contains("99-tuning.conf:1:1: error"))
    }

    @Test func aManifestCanBeReviewed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n      - name: net.ipv4.tcp_keepalive_time\n        value: \"%@\"\n"
        try String(format: pod, "7200").write(to: folder.appendingPathComponent("before.yaml"), atomically: true, encoding: .utf8)
        try String(format: pod, "10").write(to: folder.appendingPathComponent("after.yaml"), atomically: true, encoding: .utf8)
        let run = try CLITests.run(["diff", "--format", "json", "--no-config", folder.appendingPathComponent("before.yaml").path, folder.appendingPathComponent("after.yaml").path])
        #expect(run.stdout.contains("tcp-keepalive-time-short"), "\(run.stdout.prefix(400)) \(run.stderr)")
    }

    @Test func aFileOfAnotherFormatCanBeNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("named-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("app.txt")
        try "services:\n  api:\n    sysctls:\n      - net.ipv4.tcp_syn_retries=1\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["--format", "gcc", "--no-config", "--source-format", "compose", file.path])
        #expect(run.stdout.contains("app.txt:4:9: warning:") && run.stdout.contains("[tcp-syn-retries-low]"), "\(run.stdout)")
        let k8s = try CLITests.run(["--format", "gcc", "--no-config", "--kubernetes", "1.28", Self.repository + "/k8s/workloads.yaml"])
        #expect(k8s.stdout.contains("not in Kubernetes 1.28's safe set (it is safe from Kubernetes 1.29)"))
        #expect(try CLITests.run(["--kubernetes", "banana", Self.repository]).status == 2)
    }
}
