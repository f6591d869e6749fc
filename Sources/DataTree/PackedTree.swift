/// The packed form of a `YAMLTree`: how the shipped rule files and catalogue are compiled into the binary.
/// The build parses them with Yams once (and fails with the file, line and column of any YAML problem); the
/// binary reads this form back in microseconds instead of running a YAML parser on every start.
///
/// The form is text, so it can be a string literal: each node is a marker, its line and column, then
///   `s<flags>L,C,<byte count>:<UTF-8 bytes>`   a scalar (flags: 1 = single line, 2 = quoted)
///   `m L,C,<pair count>:` key and value trees  a mapping
///   `q L,C,<item count>:` item trees           a sequence
extension YAMLTree {
    package func packed() -> String {
        var out = ""
        pack(into: &out)
        return out
    }

    private func pack(into out: inout String) {
        switch content {
        case .scalar(let text, let singleLine, let quoted):
            out += "s\((singleLine ? 1 : 0) + (quoted ? 2 : 0))\(line),\(column),\(text.utf8.count):"
            out += text
        case .mapping(let pairs):
            out += "m\(line),\(column),\(pairs.count):"
            for pair in pairs {
                pair.keyTree.pack(into: &out)
                pair.value.pack(into: &out)
            }
        case .sequence(let items):
            out += "q\(line),\(column),\(items.count):"
            for item in items { item.pack(into: &out) }
        }
    }

    /// The tree packed in `bytes`, or nil when they are not exactly one packed tree (never the case for what the
    /// build wrote; checked anyway, bounds and nesting depth included).
    package static func unpack(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLTree? {
        var reader = PackedReader(bytes: bytes)
        guard let tree = reader.tree(depth: 0), reader.offset == bytes.count else { return nil }
        return tree
    }
}

private struct PackedReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    static let maximumDepth = 64

    mutating func tree(depth: Int) -> YAMLTree? {
        guard depth < Self.maximumDepth, offset < bytes.count else { return nil }
        let marker = bytes[offset]
        offset += 1
        switch marker {
        case UInt8(ascii: "s"):
            guard offset < bytes.count else { return nil }
            let flags = Int(bytes[offset]) - Int(UInt8(ascii: "0"))
            offset += 1
            guard (0...3).contains(flags), let line = number(UInt8(ascii: ",")), let column = number(UInt8(ascii: ",")), let length = number(UInt8(ascii: ":")),
                  length <= bytes.count - offset else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
            offset += length
            return YAMLTree(content: .scalar(text, singleLine: flags & 1 != 0, quoted: flags & 2 != 0), line: line, column: column)
        case UInt8(ascii: "m"):
            guard let line = number(UInt8(ascii: ",")), let column = number(UInt8(ascii: ",")), let count = number(UInt8(ascii: ":")) else { return nil }
            var pairs: [(key: String, keyTree: YAMLTree, value: YAMLTree)] = []
            pairs.reserveCapacity(min(count, bytes.count))
            for _ in 0..<count {
                guard let keyTree = tree(depth: depth + 1), case .scalar(let key, _, _) = keyTree.content,
                      let value = tree(depth: depth + 1) else { return nil }
                pairs.append((key, keyTree, value))
            }
            return YAMLTree(content: .mapping(pairs), line: line, column: column)
        case UInt8(ascii: "q"):
            guard let line = number(UInt8(ascii: ",")), let column = number(UInt8(ascii: ",")), let count = number(UInt8(ascii: ":")) else { return nil }
            var items: [YAMLTree] = []
            items.reserveCapacity(min(count, bytes.count))
            for _ in 0..<count {
                guard let item = tree(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return YAMLTree(content: .sequence(items), line: line, column: column)
        default:
            return nil
        }
    }

    /// A decimal number of at most nine digits followed by `terminator`.
    mutating func number(_ terminator: UInt8) -> Int? {
        var value = 0, digits = 0
        while offset < bytes.count, bytes[offset] != terminator {
            let digit = Int(bytes[offset]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit), digits < 9 else { return nil }
            value = value * 10 + digit
            digits += 1
            offset += 1
        }
        guard digits > 0, offset < bytes.count else { return nil }
        offset += 1
        return value
    }
}

/// A Swift string literal holding `text` exactly: quotes, backslashes and control characters escaped, everything
/// else as written (a literal reproduces its UTF-8 bytes, so the packed byte counts stay right).
package func swiftStringLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
