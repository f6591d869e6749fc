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
        if let problem = aliasProblem(in: text) {
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

    /// The first alias used as a mapping key, or the alias past `maxAliases`; nil when the text is within bounds
    /// (or does not parse, which the composer then reports). One event at a time: linear in the text.
    static func aliasProblem(in text: String) -> (line: Int, column: Int, message: String)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int, message: String)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            // For each open collection: whether it is a mapping, and whether its next node is a key.
            var open: [(isMapping: Bool, expectingKey: Bool)] = []
            var aliases = 0
            func advance() {
                if let last = open.last, last.isMapping { open[open.count - 1].expectingKey.toggle() }
            }
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    if open.last?.isMapping == true && open.last?.expectingKey == true {
                        return (line, column, "a YAML alias used as a mapping key is not supported")
                    }
                    if aliases > maxAliases { return (line, column, "more than \(maxAliases) YAML aliases in one file") }
                    advance()
                case YAML_SCALAR_EVENT:
                    advance()
                case YAML_SEQUENCE_START_EVENT:
                    open.append((false, false))
                case YAML_MAPPING_START_EVENT:
                    open.append((true, true))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    _ = open.popLast()
                    advance()
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
            return nil
        }
    }
}
