import Foundation
import FuzzTargets
import Testing

/// Every input the fuzzers kept (Fuzz/corpus, grown by scripts/fuzz.sh) is replayed here: a crash or a broken
/// output invariant that fuzzing once found or came near stays fixed.
@Suite struct FuzzCorpusTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Fuzz/corpus")

    static func inputs(_ target: String) -> [String] {
        let folder = corpus.appendingPathComponent(target).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
    }

    @Test(arguments: FuzzTargets.names)
    func corpusReplaysCleanly(target: String) throws {
        let files = Self.inputs(target)
        #expect(!files.isEmpty, "Fuzz/corpus/\(target) has no inputs")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let problems = FuzzTargets.run(target, bytes)
            #expect(problems.isEmpty, "\(file): \(problems.joined(separator: "; "))")
        }
    }
}
