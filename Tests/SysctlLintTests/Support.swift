import Foundation
import Testing
@testable import SysctlLint

/// Shared fixtures: the shipped knowledge (loaded once) and paths into the repository and ../shared.
enum Fixtures {
    static let knowledge: Knowledge = {
        do { return try Knowledge.shipped() } catch { fatalError("shipped rules do not load: \(error)") }
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static func lint(_ text: String, kernel: String? = nil, path: String = "test.conf") -> LintResult {
        Linter(knowledge: knowledge).lint([SourceText(path: path, text: text)], kernel: kernel.flatMap(KernelVersion.init))
    }

    static func figure(_ name: ComputedFigure.Name, _ text: String, kernel: String) -> ComputedFigure? {
        lint(text, kernel: kernel).figures.first { $0.name == name }
    }
}

/// One rule example, named for test output.
struct ExampleCase: CustomTestStringConvertible, Sendable {
    let rule: Rule
    let example: RuleExample
    var testDescription: String { "\(rule.id) \(example.triggers ? "triggers" : "passes") (\(rule.file):\(example.line))" }
}
