import Testing
@testable import SysctlLint

/// The report order by counting sorts against the order by comparison: random findings in input files and others,
/// without a place, sharing lines, columns and rules, and with lines too many to count.
@Suite struct FindingOrderTests {
    @Test(arguments: 0..<200)
    func placedFindingsAreInTheOrderComparisonGives(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &+ 1)
        let inputs = ["a.conf", "b.conf", "a.conf", "c.conf"].prefix(Int.random(in: 1...4, using: &random))
        let others = ["z.conf", "m.conf"]
        let rules = ["rule-b", "rule-a", "overridden-assignment"]
        // Every third run has findings outside the inputs or without a place, every tenth lines too many to count:
        // the other runs are placed by counting.
        let farLines = seed % 10 == 0, unplaced = seed % 3 == 0
        let findings = (0..<Int.random(in: 0..<300, using: &random)).map { _ -> Finding in
            let outside = unplaced && Int.random(in: 0..<20, using: &random) == 0
            let place = unplaced && Int.random(in: 0..<40, using: &random) == 0 ? nil : SourceLocation(
                file: outside ? others.randomElement(using: &random)! : inputs.randomElement(using: &random)!,
                line: farLines ? Int.random(in: 0..<1_000_000, using: &random) : Int.random(in: 1..<60, using: &random),
                column: Int.random(in: 1..<4, using: &random))
            return Finding(rule: rules.randomElement(using: &random)!, severity: .info, location: place, message: "m")
        }
        let ranks = Dictionary(inputs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let keys = findings.map { finding in
            finding.location.map { FindingOrder.Key(rank: ranks[$0.file] ?? Int.max, line: $0.line, column: $0.column) }
                ?? FindingOrder.Key(rank: Int.max, line: 0, column: 0)
        }
        let expected = FindingOrder.compared(Array(findings.indices), keys, findings)
        #expect(FindingOrder.permutation(of: findings, ranks: ranks, files: inputs.count) == expected)
    }

    /// Reordering in place by cycles gives what building the reordered array gives, for every shape of cycle:
    /// none, one long cycle, many short ones, random.
    @Test(arguments: 0..<60)
    func reorderingInPlaceMatchesTheReorderedCopy(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &+ 7)
        let count = seed % 4 == 0 ? seed % 3 : Int.random(in: 0..<200, using: &random)
        var permutation = Array(0..<count)
        switch seed % 5 {
        case 0: break
        case 1: permutation = count == 0 ? [] : Array(1..<count) + [0]
        case 2: permutation = stride(from: 0, to: count, by: 2).flatMap { $0 + 1 < count ? [$0 + 1, $0] : [$0] }
        default: permutation.shuffle(using: &random)
        }
        let items = (0..<count).map { "item \($0)" }
        var reordered = items
        FindingOrder.apply(permutation, to: &reordered)
        #expect(reordered == permutation.map { items[$0] })
    }
}
