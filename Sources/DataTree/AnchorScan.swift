import CYaml

/// Looks for YAML anchors and aliases on libyaml's event stream, before anything is composed: Yams resolves
/// aliases while it builds nodes and hashes every mapping key to find duplicates, so an alias used as a key
/// ("billion laughs" under `? *a`) costs exponential time before any check on the finished tree could run.
/// The scan keeps one event at a time, so it is linear in the text.
enum AnchorScan {
    /// The 1-based line and column of the first anchor or alias, or nil when there is none (or the text does not
    /// parse, which the composer then reports with its own message).
    static func firstAnchor(in text: String) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let found: Bool
                switch event.type {
                case YAML_ALIAS_EVENT: found = true
                case YAML_SCALAR_EVENT: found = event.data.scalar.anchor != nil
                case YAML_SEQUENCE_START_EVENT: found = event.data.sequence_start.anchor != nil
                case YAML_MAPPING_START_EVENT: found = event.data.mapping_start.anchor != nil
                case YAML_STREAM_END_EVENT: return nil
                default: found = false
                }
                if found { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
            }
            return nil
        }
    }
}
