import Foundation
import Testing
@testable import SysctlLint

/// Which rules watch a key path (as under `/proc/sys`): the in-place ordering of a key's rule positions against
/// the set it replaced, and a key that an exact entry and patterns of the same and other rules all watch.
@Suite struct RuleKeyIndexTests {
    @Test(arguments: 0..<200)
    func sortedUniqueIsTheSetInOrder(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &* 7 &+ 3)
        let positions = (0..<Int.random(in: 0...9, using: &random)).map { _ in Int.random(in: 0...6, using: &random) }
        #expect(RuleKeyIndex.sortedUnique(positions) == Array(Set(positions)).sorted())
    }

    @Test func aKeyWatchedSeveralWaysListsEachRuleOnceInRuleOrder() throws {
        func rule(_ id: String, _ keys: [String]) -> String {
            """
              - id: \(id)
                title: T
                severity: info
                keys: [\(keys.joined(separator: ", "))]
                when: value == 9
                message: m
                fix: f
                rationale: r
                references: [x]
                examples:
                  trigger: ["\(keys[0].replacingOccurrences(of: "*", with: "eth0")) = 9"]
                  pass: ["\(keys[0].replacingOccurrences(of: "*", with: "eth0")) = 1"]

            """
        }
        let text = "rules:\n" + rule("a", ["net.ipv4.conf.*.rp_filter"])
            + rule("b", ["net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.*.rp_filter"])
            + rule("c", ["net.ipv4.conf.eth0.rp_filter"]) + rule("d", ["net.ipv4.conf.*.forwarding"])
        let index = RuleKeyIndex(try RuleLoader.load(text: text, file: "r.yaml"))
        #expect(index.rules(for: "net/ipv4/conf/eth0/rp_filter") == [0, 1, 2])
        #expect(index.rules(for: "net/ipv4/conf/lo/rp_filter") == [0, 1])
        #expect(index.rules(for: "net/ipv4/conf/lo/forwarding") == [3])
        #expect(index.rules(for: "vm/swappiness").isEmpty)
    }
}
