import DataTree
import Foundation
import Testing
@testable import SysctlLint

/// The shipped rule files reach the binary in packed form; reading them back must give the tree Yams gives.
@Suite struct PackedTreeTests {
    static func same(_ a: YAMLTree, _ b: YAMLTree) -> Bool {
        guard a.line == b.line, a.column == b.column else { return false }
        switch (a.content, b.content) {
        case (.scalar(let x, let xs, let xq), .scalar(let y, let ys, let yq)): return x == y && xs == ys && xq == yq
        case (.sequence(let x), .sequence(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && same($0.keyTree, $1.keyTree) && same($0.value, $1.value) }
        default: return false
        }
    }

    static func unpack(_ text: String) -> YAMLTree? {
        Array(text.utf8).withUnsafeBufferPointer { YAMLTree.unpack($0) }
    }

    static var shippedFiles: [String] {
        let root = Fixtures.packageRoot.appendingPathComponent("rules")
        let walker = FileManager.default.enumerator(atPath: root.path)
        return (walker?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") }.sorted().map { root.appendingPathComponent($0).path }
    }

    @Test func everyShippedFileRoundTrips() throws {
        let files = Self.shippedFiles
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let tree = try #require(try YAMLTree.parse(text, file: file))
            let back = try #require(Self.unpack(tree.packed()), "\(file) does not unpack")
            #expect(Self.same(tree, back), "\(file) changes when packed")
        }
    }

    @Test func oddScalarsRoundTrip() throws {
        let text = "a: \"tab\\there \\\"quoted\\\" \\\\ é 😀 \\u0001\"\nb: |\n  two\n  lines\nc: [1, '', x:y]\n\"\": plain\n"
        let tree = try #require(try YAMLTree.parse(text, file: "odd.yaml"))
        let back = try #require(Self.unpack(tree.packed()))
        #expect(Self.same(tree, back))
    }

    @Test(arguments: ["", "x", "s11,1,5:abc", "s11,1,3:abcd", "m1,1,1:s11,1,1:a", "q1,1,2:s11,1,1:a", "s91,1,1:a",
                      "s11,1,9999999999:a", "s1,1,1:a", String(repeating: "q1,1,1:", count: 100) + "s11,1,1:a"])
    func damagedFormsAreRejected(text: String) {
        #expect(Self.unpack(text) == nil)
    }

    @Test func theShippedKnowledgeIsWhatTheYAMLSays() throws {
        var rules = 0, parameters = 0
        for file in Self.shippedFiles {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            if file.contains("/rules/kernel/") { parameters += try ParameterCatalogueLoader.load(text: text, file: file).count }
            else { rules += try RuleLoader.load(text: text, file: file).count }
        }
        #expect(Fixtures.knowledge.rules.count == rules)
        #expect(Fixtures.knowledge.catalogue.parameters.count == parameters)
    }

    /// Shipped parameters are decoded when first looked up: each must decode to what the YAML loader reads.
    @Test func everyShippedParameterDecodesAsTheYAMLSays() throws {
        var eager: [Parameter] = []
        for file in Self.shippedFiles where file.contains("/rules/kernel/") {
            eager += try ParameterCatalogueLoader.load(text: String(contentsOfFile: file, encoding: .utf8), file: file)
        }
        let catalogue = try Knowledge.shipped().catalogue
        let shipped = catalogue.parameters
        #expect(shipped.count == eager.count)
        for (index, (parameter, twin)) in zip(shipped, eager).enumerated() {
            #expect(catalogue.problem(at: index) == nil, "\(parameter.key)")
            #expect(parameter.key == twin.key && parameter.kind == twin.kind && parameter.fields == twin.fields)
            #expect(parameter.defaults == twin.defaults && parameter.bounds == twin.bounds, "\(parameter.key)")
            #expect(parameter.since == twin.since && parameter.removed == twin.removed && parameter.line == twin.line)
            #expect(parameter.readOnly == twin.readOnly && parameter.module == twin.module && parameter.vendor == twin.vendor)
        }
    }

    /// Shipped rules build their condition, messages and examples on first use: each must build, and build what
    /// the YAML loader builds from the same file.
    @Test func everyShippedRuleBuildsItsDeferredParts() throws {
        var eager: [String: Rule] = [:]
        for file in Self.shippedFiles where !file.contains("/rules/kernel/") {
            for rule in try RuleLoader.load(text: String(contentsOfFile: file, encoding: .utf8), file: file) { eager[rule.id] = rule }
        }
        let shipped = try Knowledge.shipped().rules
        #expect(shipped.count == eager.count)
        for rule in shipped {
            #expect(rule.parts.problem() == nil, "\(rule.id)")
            let twin = try #require(eager[rule.id])
            #expect(rule.examples == twin.examples, "\(rule.id)")
            #expect(rule.compiled.message.raw == twin.compiled.message.raw && rule.compiled.fix?.raw == twin.compiled.fix?.raw)
            #expect((rule.compiled.condition == nil) == (twin.compiled.condition == nil), "\(rule.id)")
        }
    }
}

/// Anchors and aliases are refused in every YAML data file, before an expansion is walked ("billion laughs").
@Suite struct YAMLAliasTests {
    @Test(arguments: ["a: &x 1\nb: *x\n", "rules:\n  - &r {id: a}\n  - *r\n",
                      "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
                      // Aliases as mapping keys: Yams hashes each key to find duplicates, which walked the whole expansion.
                      (0..<12).map { $0 == 0 ? "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" : "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]" }
                        .joined(separator: "\n") + "\nrules:\n  ? *a11\n  : 1\n"])
    func anchorsAreRefusedWithTheirPosition(text: String) {
        #expect(throws: DataFileProblem.self) { try RuleLoader.load(text: text, file: "r.yaml") }
        do {
            _ = try YAMLTree.parse(text, file: "r.yaml")
            Issue.record("an anchor was accepted")
        } catch {
            #expect(error.message == "YAML anchors and aliases are not supported in rule files")
            #expect(error.line != nil && error.column != nil)
        }
    }
}
