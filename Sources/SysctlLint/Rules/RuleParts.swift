import DataTree
import Foundation

/// The parts of a rule that cost the most to build and that one run needs few of: the compiled condition and
/// messages (a run evaluates only the rules whose keys it sets) and the examples (read by `rules`, `explain` and
/// the tests). Compiling all 100-odd shipped rules on every start cost a typical run a tenth of its time.
///
/// A user rule builds its parts when it loads, so that every problem is reported with its file, line and column
/// before anything runs. A shipped rule keeps its YAML nodes and builds each part on first use; its files are
/// compiled whole by the test suite (`PackedTreeTests`), so a deferred build does not fail. Should one ever fail,
/// the rule stays silent and says so in its message, rather than stopping the run.
final class RuleParts: @unchecked Sendable {
    struct Compiled: Sendable {
        var condition: Expression?
        var message: MessageTemplate
        var fix: MessageTemplate?
    }

    /// What a deferred rule builds from: its nodes, with the file they came from for positions.
    struct Sources: Sendable {
        var file: String
        var builtin: Bool
        var when: YAMLTree?
        var message: YAMLTree
        var fix: YAMLTree?
        var examples: YAMLTree
    }

    // Guarded by `lock`; set at most once each.
    private let lock = NSLock()
    private var compiledStorage: Compiled?
    private var examplesStorage: [RuleExample]?
    private let sources: Sources?

    init(compiled: Compiled, examples: [RuleExample]) {
        compiledStorage = compiled
        examplesStorage = examples
        sources = nil
    }

    init(deferring sources: Sources) {
        self.sources = sources
    }

    var compiled: Compiled {
        lock.lock()
        defer { lock.unlock() }
        if let compiledStorage { return compiledStorage }
        let built: Compiled
        if let sources {
            do {
                built = try RuleLoader.compile(when: sources.when, message: sources.message, fix: sources.fix,
                                               builtin: sources.builtin, file: sources.file)
            } catch {
                built = Compiled(condition: nil, message: .literal("this rule failed to compile: \(error)"), fix: nil)
            }
        } else {
            built = Compiled(condition: nil, message: .literal(""), fix: nil)
        }
        compiledStorage = built
        return built
    }

    var examples: [RuleExample] {
        lock.lock()
        defer { lock.unlock() }
        if let examplesStorage { return examplesStorage }
        let built = sources.flatMap { try? RuleLoader.examples($0.examples, file: $0.file) } ?? []
        examplesStorage = built
        return built
    }

    /// The problem a deferred build meets, or nil: what the tests check for every shipped rule.
    func problem() -> DataFileProblem? {
        guard let sources else { return nil }
        do {
            _ = try RuleLoader.compile(when: sources.when, message: sources.message, fix: sources.fix,
                                       builtin: sources.builtin, file: sources.file)
            _ = try RuleLoader.examples(sources.examples, file: sources.file)
            return nil
        } catch {
            return error
        }
    }
}
