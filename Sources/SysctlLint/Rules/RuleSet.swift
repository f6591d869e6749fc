import DataTree
import Foundation

/// The rules in force and the kernel catalogue: the shipped ones compiled into the binary, plus user rule files
/// (a user rule with a shipped rule's id replaces it).
public struct Knowledge: Sendable {
    public private(set) var rules: [Rule]
    public let catalogue: ParameterCatalogue

    public init(rules: [Rule], catalogue: ParameterCatalogue) {
        self.rules = rules
        self.catalogue = catalogue
    }

    /// The shipped knowledge. Problems here are bugs in the shipped files, which the test suite rules out.
    public static func shipped() throws(DataFileProblem) -> Knowledge {
        var rules: [Rule] = []
        for (path, packed) in ShippedData.files {
            let name = "rules/" + path
            let tree = UnsafeBufferPointer(start: packed.utf8Start, count: packed.utf8CodeUnitCount).withMemoryRebound(to: UInt8.self) {
                YAMLTree.unpack($0)
            }
            guard let tree else { throw DataFileProblem(file: name, line: nil, column: nil, message: "the compiled-in form of this file is damaged") }
            rules += try RuleLoader.load(tree, file: name, deferring: true).map { rule in
                var rule = rule
                rule.shipped = true
                return rule
            }
        }
        let parameters = ShippedData.parameters.map { entry in
            ParameterStore.Deferred(key: entry.key.description, file: entry.file.description, packed: entry.packed)
        }
        return Knowledge(rules: rules, catalogue: ParameterCatalogue(deferred: parameters))
    }

    /// Adds the rules found at `path` (a YAML file, or a directory of `*.yaml`/`*.yml` files).
    ///
    /// With `boundary` (a project file's repository), every file read must resolve inside it: a link in a rules
    /// folder is followed only when its target stays in the repository.
    public mutating func addUserRules(at path: String, within boundary: String? = nil) throws(DataFileProblem) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileProblem(file: path, line: nil, column: nil, message: "no such rule file or directory")
        }
        var files = [path]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else {
                throw DataFileProblem(file: path, line: nil, column: nil, message: "no *.yaml rule files in this directory")
            }
        }
        var position = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        for file in files {
            if let boundary, ProjectFileSafety.contained(file, in: boundary) == nil {
                throw DataFileProblem(file: file, line: nil, column: nil,
                                      message: "this rule file leads outside the project's repository (\(boundary)); give rule files from elsewhere with --rules")
            }
            if let problem = RegularFile.problem(with: file) {
                throw DataFileProblem(file: file, line: nil, column: nil, message: problem)
            }
            // Bounded: a /proc file passes the size check above (stat says 0 bytes) and can be endless.
            guard let bytes = try? RegularFile.bytes(atPath: file, limit: RegularFile.dataFileSizeLimit) else {
                throw DataFileProblem(file: file, line: nil, column: nil, message: "cannot read the rule file")
            }
            guard bytes.count <= RegularFile.dataFileSizeLimit else {
                throw DataFileProblem(file: file, line: nil, column: nil, message: "is more than the \(RegularFile.dataFileSizeLimit)-byte limit")
            }
            let data = Data(bytes)
            guard let text = String(data: data, encoding: .utf8) else {
                throw DataFileProblem(file: file, line: nil, column: nil, message: "the rule file is not UTF-8 text")
            }
            for rule in try RuleLoader.load(text: text, file: file) {
                if let index = position[rule.id] {
                    rules[index] = rule
                } else {
                    position[rule.id] = rules.count
                    rules.append(rule)
                }
            }
        }
    }

    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }
}
