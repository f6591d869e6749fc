import Foundation
import Testing
@testable import SysctlLint

/// Drift's value comparison with its shortcuts against the comparison it shortcuts, on values made of a few fields
/// (numbers, text, non-ASCII, empty) between runs of spaces and tabs.
@Suite struct DriftSameTests {
    @Test(arguments: 0..<200)
    func shortcutsAgreeWithTheFullComparison(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed) &+ 11)
        let fields = ["1", "01", "0x1", "-1", "32768", "60999", "a", "é", "e\u{301}", ""]
        func value() -> String {
            (0..<Int.random(in: 0..<4, using: &random)).map { _ in
                [" ", "\t", "  ", " \t"].randomElement(using: &random)! + fields.randomElement(using: &random)!
            }.joined()
        }
        for _ in 0..<50 {
            let a = value(), b = Bool.random(using: &random) ? value() : a.replacingOccurrences(of: " ", with: "\t")
            #expect(DriftCheck.same(a, b) == DriftCheck.sameAsRead(a, b), "\(a.debugDescription) \(b.debugDescription)")
        }
    }
}
