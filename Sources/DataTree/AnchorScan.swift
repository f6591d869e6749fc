import CYaml

/// Checks a YAML text on libyaml's event stream, before anything is composed, for what would make composing it
/// cost more than linear time: Yams resolves aliases while it builds nodes and hashes every mapping key to find
/// duplicates, so an alias used as a key ("billion laughs" under `? *a`) or a mapping nested as a key of a mapping
/// nested as a key … (each level re-hashes the whole subtree) costs exponential or quadratic time before any check
/// on the finished tree could run. The scan keeps one event at a time, so it is linear in the text.
enum AnchorScan {
    struct Problem {
        var line: Int
        var column: Int
        var message: String
    }

    /// The first anchor or alias when `maxAliases` is nil (rule and project files have none), else the first alias
    /// past `maxAliases`; and the first key that is not a plain scalar or is an alias. Nil when there is none (or the
    /// text does not parse, which the composer then reports with its own message).
    static func problem(in text: String, maxAliases: Int?) -> Problem? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Problem? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            // For each open collection: whether it is a mapping, and whether its next node is a key.
            var open: [(isMapping: Bool, expectingKey: Bool)] = []
            var aliases = 0
            func advance() {
                if let last = open.last, last.isMapping { open[open.count - 1].expectingKey.toggle() }
            }
            var atKey: Bool { open.last.map { $0.isMapping && $0.expectingKey } ?? false }
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                var anchored = false
                switch event.type {
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    if atKey { return Problem(line: line, column: column, message: "a YAML alias used as a mapping key is not supported") }
                    guard let maxAliases else { return Problem(line: line, column: column, message: "YAML anchors and aliases are not supported in rule files") }
                    if aliases > maxAliases { return Problem(line: line, column: column, message: "more than \(maxAliases) YAML aliases in one file") }
                    advance()
                case YAML_SCALAR_EVENT:
                    anchored = event.data.scalar.anchor != nil
                    advance()
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    if atKey { return Problem(line: line, column: column, message: "mapping keys must be plain strings") }
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    anchored = isMapping ? event.data.mapping_start.anchor != nil : event.data.sequence_start.anchor != nil
                    open.append((isMapping, isMapping))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    _ = open.popLast()
                    advance()
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
                if anchored && maxAliases == nil {
                    return Problem(line: line, column: column, message: "YAML anchors and aliases are not supported in rule files")
                }
            }
            return nil
        }
    }
}
