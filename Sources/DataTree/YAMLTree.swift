import Yams

/// A YAML node reduced to what our data files use, with its position. Plain values stay strings: sysctl values
/// such as `on` or `0 0 0 0` must not be reinterpreted by YAML 1.1's resolver.
package struct YAMLTree: Sendable {
    package enum Content: Sendable {
        case scalar(String, singleLine: Bool, quoted: Bool)
        case mapping([(key: String, keyTree: YAMLTree, value: YAMLTree)])
        case sequence([YAMLTree])
    }

    package var content: Content
    package var line: Int
    package var column: Int

    package init(content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// Parses one YAML document. Syntax errors, aliases and non-string keys become problems.
    package static func parse(_ text: String, file: String) throws(DataFileProblem) -> YAMLTree? {
        if let problem = AnchorScan.problem(in: text, maxAliases: nil) {
            throw DataFileProblem(file: file, line: problem.line, column: problem.column, message: problem.message)
        }
        do {
            // The basic resolver: our data files keep every plain value a string, and skipping YAML 1.1 tag
            // resolution (a regular expression per scalar) halves the cost of loading the shipped rules.
            guard let node = try Yams.compose(yaml: text, .basic) else { return nil }
            return try convert(node, file: file)
        } catch let error as YamlError {
            throw problem(from: error, file: file)
        } catch let problem as DataFileProblem {
            throw problem
        } catch {
            throw DataFileProblem(file: file, line: nil, column: nil, message: "cannot read YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, file: String) throws(DataFileProblem) -> YAMLTree {
        var unlimited = Int.max
        return try convert(node, file: file, budget: &unlimited)
    }

    /// The tree of `node`, counting every node against `budget` (aliases Yams has resolved count again each time
    /// they are used, so an exponential expansion stops at the budget).
    static func convert(_ node: Node, file: String, budget: inout Int) throws(DataFileProblem) -> YAMLTree {
        let line = node.mark?.line ?? 1
        let column = node.mark?.column ?? 1
        budget -= 1
        guard budget >= 0 else {
            throw DataFileProblem(file: file, line: line, column: column,
                                  message: "the YAML expands to more than \(YAMLDocuments.maxNodes) nodes (aliases of aliases?); not read")
        }
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            let singleLine = scalar.style == .plain || quoted
            return YAMLTree(content: .scalar(scalar.string, singleLine: singleLine, quoted: quoted), line: line, column: column)
        case .sequence(let sequence):
            var items: [YAMLTree] = []
            for item in sequence { items.append(try convert(item, file: file, budget: &budget)) }
            return YAMLTree(content: .sequence(items), line: line, column: column)
        case .mapping(let mapping):
            var pairs: [(key: String, keyTree: YAMLTree, value: YAMLTree)] = []
            var seen: [String: Int] = [:]
            for (key, value) in mapping {
                let keyTree = try convert(key, file: file, budget: &budget)
                guard case .scalar(let name, _, _) = keyTree.content else {
                    throw DataFileProblem(file: file, line: keyTree.line, column: keyTree.column, message: "mapping keys must be plain strings")
                }
                if let first = seen[name] {
                    throw DataFileProblem(file: file, line: keyTree.line, column: keyTree.column,
                                          message: "duplicate key '\(name)' (first at line \(first))")
                }
                seen[name] = keyTree.line
                pairs.append((name, keyTree, try convert(value, file: file, budget: &budget)))
            }
            return YAMLTree(content: .mapping(pairs), line: line, column: column)
        case .alias:
            throw DataFileProblem(file: file, line: line, column: column, message: "YAML aliases are not supported in rule files")
        }
    }

    static func problem(from error: YamlError, file: String) -> DataFileProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) (line \($0.mark.line)), " } ?? ""
            return DataFileProblem(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return DataFileProblem(file: file, line: context.mark.line, column: context.mark.column,
                                   message: "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            return DataFileProblem(file: file, line: nil, column: nil, message: "invalid YAML: \(problem)")
        default:
            return DataFileProblem(file: file, line: nil, column: nil, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Typed access, reporting wrong shapes with positions

    package func problem(_ file: String, _ message: String) -> DataFileProblem {
        DataFileProblem(file: file, line: line, column: column, message: message)
    }

    package func string(_ file: String, what: String) throws(DataFileProblem) -> String {
        guard case .scalar(let text, _, _) = content else { throw problem(file, "\(what) must be a string") }
        return text
    }

    package func sequence(_ file: String, what: String) throws(DataFileProblem) -> [YAMLTree] {
        guard case .sequence(let items) = content else { throw problem(file, "\(what) must be a list") }
        return items
    }

    /// The items of a list, or the node itself when it is a single value.
    package func sequenceOrScalar(_ file: String, what: String) throws(DataFileProblem) -> [YAMLTree] {
        switch content {
        case .sequence(let items): return items
        case .scalar: return [self]
        case .mapping: throw problem(file, "\(what) must be a string or a list of strings")
        }
    }

    /// A string or a list of strings.
    package func strings(_ file: String, what: String) throws(DataFileProblem) -> [String] {
        switch content {
        case .scalar(let text, _, _): return [text]
        case .sequence(let items):
            var result: [String] = []
            for item in items { result.append(try item.string(file, what: "each entry of \(what)")) }
            return result
        case .mapping: throw problem(file, "\(what) must be a string or a list of strings")
        }
    }

    /// The pairs of a mapping, after checking that every key is one of `allowed`.
    package func fields(_ file: String, what: String, allowed: [String]) throws(DataFileProblem) -> Fields {
        guard case .mapping(let pairs) = content else { throw problem(file, "\(what) must be a mapping") }
        for pair in pairs where !allowed.contains(pair.key) {
            let suggestion = Suggest.closest(to: pair.key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw pair.keyTree.problem(file, "unknown field '\(pair.key)' in \(what)\(suggestion); allowed: \(allowed.joined(separator: ", "))")
        }
        return Fields(file: file, owner: self, what: what, pairs: pairs)
    }

    package struct Fields {
        package let file: String
        package let owner: YAMLTree
        package let what: String
        package let pairs: [(key: String, keyTree: YAMLTree, value: YAMLTree)]

        package subscript(name: String) -> YAMLTree? { pairs.first { $0.key == name }?.value }

        package func required(_ name: String) throws(DataFileProblem) -> YAMLTree {
            guard let value = self[name] else { throw owner.problem(file, "\(what) is missing the required field '\(name)'") }
            return value
        }
    }
}
