import Foundation
import SysctlLint

/// What every rendering must satisfy, whatever the input.
enum Invariants {
    /// No control character but newline and tab, no C1 control or line separator: nothing from input can drive a
    /// terminal or start a line of its own.
    static func displaySafe(_ text: String, format: String) -> [String] {
        for scalar in text.unicodeScalars where DisplayText.needsEscape(scalar) && scalar != "\n" {
            return ["\(format) output holds raw U+\(String(scalar.value, radix: 16, uppercase: true))"]
        }
        return []
    }

    /// gcc diagnostics and GitHub workflow commands: exactly one line per finding.
    static func oneLinePerFinding(_ text: String, count: Int, format: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return lines.count == count ? [] : ["\(format) output has \(lines.count) lines for \(count) findings"]
    }
}

enum JSONDecoderBridge {
    static func baseline(_ bytes: [UInt8]) throws -> Baseline {
        try JSONDecoder().decode(Baseline.self, from: Data(bytes))
    }
}
