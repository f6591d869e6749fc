import CYaml
import Yams

/// Configuration files from repositories (Kubernetes manifests, Compose files, Ansible tasks): several documents in
/// one file, and anchors with aliases, which these files use (`x-defaults: &defaults`). Unlike rule files, aliases
/// are allowed, within bounds checked before and while the tree is built: no alias as a mapping key (Yams would
/// hash its whole expansion), at most `maxAliases` aliases, and at most `maxNodes` nodes once aliases are expanded
/// (a "billion laughs" file stops there with a message).
package enum YAMLDocuments {
    package static let maxAliases = 10_000
    package static let maxNodes = 1_000_000
    package static let maxDocuments = 10_000

    package static func parse(_ text: String, file: String) throws(DataFileProblem) -> [YAMLTree] {
        if let problem = AnchorScan.problem(in: text, maxAliases: maxAliases) {
            throw DataFileProblem(file: file, line: problem.line, column: problem.column, message: problem.message)
        }
        var budget = maxNodes
        var documents: [YAMLTree] = []
        do {
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                guard documents.count < maxDocuments else {
                    throw DataFileProblem(file: file, line: node.mark?.line, column: node.mark?.column,
                                          message: "more than \(maxDocuments) YAML documents in one file")
                }
                documents.append(try YAMLTree.convert(node, file: file, budget: &budget))
            }
            if let error = sequence.error { throw error }
        } catch let error as YamlError {
            throw YAMLTree.problem(from: error, file: file)
        } catch let problem as DataFileProblem {
            throw problem
        } catch {
            throw DataFileProblem(file: file, line: nil, column: nil, message: "cannot read YAML: \(error)")
        }
        return documents
    }
}
