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
    /// The shared corpus (real-world files, loader observations, the SARIF schema) sits beside a development
    /// checkout and in CI, not in a user's fresh clone: tests that need it run only where it is.
    static let sharedAvailable = FileManager.default.fileExists(atPath: shared.appendingPathComponent("README.md").path)
    /// `.ci/run` sets this, so that a missing corpus fails there instead of skipping tests.
    static let sharedRequired = ProcessInfo.processInfo.environment["SYSCTL_LINT_REQUIRE_SHARED"] == "1"

    static func lint(_ text: String, kernel: String? = nil, path: String = "test.conf") -> LintResult {
        Linter(knowledge: knowledge).lint([SourceText(path: path, text: text)], kernel: kernel.flatMap { KernelVersion($0) })
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

extension Trait where Self == ConditionTrait {
    /// For tests that read ../shared: skipped in a fresh clone without it.
    static var needsSharedCorpus: Self { .enabled(if: Fixtures.sharedAvailable, "needs ../shared beside the checkout") }
}

@Suite struct SharedCorpusTests {
    @Test func presentWhereRequired() {
        #expect(Fixtures.sharedAvailable || !Fixtures.sharedRequired, "SYSCTL_LINT_REQUIRE_SHARED=1 but \(Fixtures.shared.path) is missing")
    }
}
