import Testing
@testable import SysctlLint

/// Every shipped rule's examples run here, so no rule ships untested.
@Suite struct RuleExampleTests {
    static let cases: [ExampleCase] = Fixtures.knowledge.rules.flatMap { rule in
        rule.examples.map { ExampleCase(rule: rule, example: $0) }
    }

    @Test(arguments: cases)
    func example(_ item: ExampleCase) throws {
        let newest = ParameterCatalogue.newestKnownKernel
        let kernel = item.example.kernel ?? newest
        if item.example.kernel == nil {
            #expect(item.rule.kernels.contains(newest),
                    "\(item.rule.id) does not apply to \(newest); its examples must name a kernel")
        }
        let result = try ExampleRunner(knowledge: Fixtures.knowledge).run(item.example, kernel: kernel)
        let fired = result.findings.filter { $0.rule == item.rule.id }
        if item.example.triggers {
            #expect(!fired.isEmpty, "expected \(item.rule.id) on:\n\(item.example.config)\nfound: \(result.findings.map(\.rule))")
        } else {
            #expect(fired.isEmpty, "expected no \(item.rule.id) on:\n\(item.example.config)\nfound: \(fired.map(\.message))")
        }
    }

    @Test func everyRuleHasBothKindsOfExamplesAndReferences() {
        for rule in Fixtures.knowledge.rules {
            #expect(rule.examples.contains { $0.triggers }, "\(rule.id) has no triggering example")
            #expect(rule.examples.contains { !$0.triggers }, "\(rule.id) has no passing example")
            #expect(!rule.references.isEmpty, "\(rule.id) has no reference")
            #expect(!rule.rationale.isEmpty, "\(rule.id) has no rationale")
        }
    }

    /// Findings from Swift code must use ids documented in rules/*.yaml (so `explain` works for all of them).
    @Test func builtinFindingsAreDocumented() {
        let text = """
            \u{FEFF}vm.swappiness = 10
            vm.swappiness 10
            = 3
            vm.swappiness =
            vm.swappiness == 3
            - net.ipv4.ip_forward = 1
            --net.ipv4.ip_forward = 1
            kernel.domainname = a\u{0}b
            vm.swappiness = 10\rx
            vm.swappiness = 10\u{0B}
            net..ipv4.ip_forward = 1
            net.ipv4.ip_forward. = 1
            /proc/sys/vm/swappiness = 1
            /../../etc/passwd = 1
            net.ipv4. ip_forward = 1
            net.ipv4.conf.{a,b}.rp_filter = 1
            net.ipv4.conf.eth0.100.rp_filter = 1
            net.ipv4.tcp_keepalive_tim = 1
            net.ipv4.tcp_tw_recycle = 1
            net.ipv4.tcp_tw_reuse = 9
            kernel.domainname = x # c
            net.ipv4.ip_forward = 1
            -net.ipv4.ip_forward
            """
        let result = Fixtures.lint(text)
        let documented = Set(Fixtures.knowledge.rules.map(\.id))
        let emitted = Set(result.findings.map(\.rule))
        #expect(emitted.count >= 18)
        #expect(emitted.subtracting(documented).isEmpty, "undocumented ids: \(emitted.subtracting(documented))")
        for finding in result.findings { #expect(!finding.references.isEmpty, "\(finding.rule) has no references") }
    }
}
