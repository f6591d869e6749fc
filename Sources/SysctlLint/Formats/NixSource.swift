/// NixOS configurations: `boot.kernel.sysctl` where it is a literal attribute set (`boot.kernel.sysctl = {
/// "net.core.somaxconn" = 1024; };`, also as `kernel.sysctl` inside `boot = { … }`) or a single attribute
/// (`boot.kernel.sysctl."vm.swappiness" = 10;`). Values are integers, strings, booleans (the NixOS sysctl module
/// writes true as 1 and false as 0) or `null` (not set), optionally under `mkDefault`, `mkForce` or `mkOverride N`.
/// Anything that needs evaluating Nix (a variable, a function, `mkMerge`, an unquoted attribute path) is reported as
/// not checkable rather than guessed.
struct NixSource {
    private let bytes: [UInt8]
    private let path: String
    private var file: ParsedFile
    /// Line starts, for positions.
    private var lineStarts: [Int] = [0]

    init(_ source: SourceText) {
        bytes = source.bytes
        path = source.path
        file = ParsedFile(path: source.path)
        for (index, byte) in bytes.enumerated() where byte == 0x0A { lineStarts.append(index + 1) }
    }

    static func isNix(_ path: String) -> Bool { path.hasSuffix(".nix") }

    mutating func parse() -> ParsedFile {
        let marker = Array("kernel.sysctl".utf8)
        var index = 0
        while index + marker.count <= bytes.count {
            if let comment = commentEnd(at: index) { index = comment; continue }
            if bytes[index] == UInt8(ascii: "\"") { index = stringEnd(from: index); continue }
            guard bytes[index..<(index + marker.count)].elementsEqual(marker),
                  index == 0 || !isNameByte(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ".") else { index += 1; continue }
            index = attribute(after: index + marker.count)
        }
        file.lineCount = lineStarts.count
        return file
    }

    /// After `kernel.sysctl`: `."key" = value;` or `= { … };` or something to evaluate.
    private mutating func attribute(after start: Int) -> Int {
        var index = skip(start)
        if index < bytes.count, bytes[index] == UInt8(ascii: "."), skip(index + 1) < bytes.count, bytes[skip(index + 1)] == UInt8(ascii: "\"") {
            let keyStart = skip(index + 1)
            let key = string(at: keyStart)
            index = skip(stringEnd(from: keyStart))
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return index }
            return entry(key: key, valueAt: skip(index + 1))
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return index }
        index = skip(index + 1)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            notCheckable(at: index, "boot.kernel.sysctl is not a literal attribute set here (it needs evaluating Nix); its values are not checked")
            return index + 1
        }
        index = skip(index + 1)
        while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
            guard bytes[index] == UInt8(ascii: "\"") else {
                notCheckable(at: index, "an attribute of boot.kernel.sysctl that is not a quoted key (\"net.core.somaxconn\" = …); it is not checked")
                let end = statementEnd(from: index)
                guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { return end }
                index = skip(end + 1)  // the entries after it are still read
                continue
            }
            let key = string(at: index)
            index = skip(stringEnd(from: index))
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return index }
            index = skip(entry(key: key, valueAt: skip(index + 1)))
        }
        return index + 1
    }

    /// A value up to its `;`: a literal becomes an assignment; anything else is not checkable.
    private mutating func entry(key: String, valueAt start: Int) -> Int {
        var index = start
        for wrapper in ["lib.mkForce", "lib.mkDefault", "mkForce", "mkDefault"] where matches(wrapper, at: index) {
            index = skip(index + wrapper.utf8.count)
            break
        }
        if matches("lib.mkOverride", at: index) || matches("mkOverride", at: index) {
            index = skip(index + (matches("lib.", at: index) ? 14 : 10))
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            index = skip(index)
        }
        let end = statementEnd(from: index)
        let text = String(decoding: bytes[index..<min(end, bytes.count)], as: UTF8.self).trimmingSpaces()
        let value: String?
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2, !text.contains("${") {
            value = String(text.dropFirst().dropLast())
        } else if text == "true" || text == "false" {
            value = text == "true" ? "1" : "0"
        } else if text == "null" {
            return after(end)  // not set
        } else if Int(text) != nil {
            value = text
        } else {
            value = nil
        }
        guard let value else {
            notCheckable(at: index, "\(key) = \(text) needs evaluating Nix; its value is not guessed, so it is not checked")
            return after(end)
        }
        let (line, column) = position(index)
        file.statements.append(.assignment(Assignment(key: SysctlKey(key), value: value, ignoreFailure: false,
                                                      location: SourceLocation(file: path, line: line, column: column), valueColumn: column)))
        return after(end)
    }

    /// Past a statement's `;`, but not past the `}` that closes the set.
    private func after(_ end: Int) -> Int {
        end < bytes.count && bytes[end] == UInt8(ascii: ";") ? end + 1 : end
    }

    private mutating func notCheckable(at index: Int, _ message: String) {
        let (line, column) = position(index)
        file.findings.append(Finding(rule: "source-not-checkable", severity: .info, location: SourceLocation(file: path, line: line, column: column), message: message))
    }

    // MARK: Scanning

    private func position(_ index: Int) -> (Int, Int) {
        var low = 0, high = lineStarts.count
        while low + 1 < high { let middle = (low + high) / 2; if lineStarts[middle] <= index { low = middle } else { high = middle } }
        return (low + 1, index - lineStarts[low] + 1)
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private func matches(_ word: String, at index: Int) -> Bool {
        let word = Array(word.utf8)
        return index + word.count <= bytes.count && bytes[index..<(index + word.count)].elementsEqual(word)
    }

    /// Where a comment starting at `index` ends, or nil when none starts there.
    private func commentEnd(at index: Int) -> Int? {
        if bytes[index] == UInt8(ascii: "#") { return (bytes[index...].firstIndex(of: 0x0A) ?? bytes.count) }
        if matches("/*", at: index) {
            var cursor = index + 2
            while cursor + 1 < bytes.count, !(bytes[cursor] == UInt8(ascii: "*") && bytes[cursor + 1] == UInt8(ascii: "/")) { cursor += 1 }
            return min(cursor + 2, bytes.count)
        }
        return nil
    }

    private func skip(_ start: Int) -> Int {
        var index = start
        while index < bytes.count {
            if UTF8Text.isBlank(bytes[index]) { index += 1 } else if let end = commentEnd(at: index) { index = end } else { break }
        }
        return index
    }

    /// The index after the string starting at `start` (a `"`), escapes skipped.
    private func stringEnd(from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
        return min(index + 1, bytes.count)
    }

    private func string(at start: Int) -> String {
        String(decoding: bytes[(start + 1)..<max(start + 1, stringEnd(from: start) - 1)], as: UTF8.self)
    }

    /// The `;` ending the statement from `start` (strings, comments and nested braces skipped).
    private func statementEnd(from start: Int) -> Int {
        var index = start, depth = 0
        while index < bytes.count {
            if let end = commentEnd(at: index) { index = end; continue }
            switch bytes[index] {
            case UInt8(ascii: "\""): index = stringEnd(from: index); continue
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"):
                if depth == 0 { return index }
                depth -= 1
            case UInt8(ascii: ";") where depth == 0: return index
            default: break
            }
            index += 1
        }
        return bytes.count
    }
}
