/// Tokens of the condition language. Offsets are 0-based byte positions in the expression text.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int
}

package struct ExpressionError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}

enum Lexer {
    /// Two-byte symbols first, so that `<=` is not read as `<` then `=`.
    static let symbols = ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", "|"]
    private static let symbolBytes = symbols.map { Array($0.utf8) }

    /// Works on UTF-8 bytes: every character the language gives meaning to is ASCII, and names and strings are
    /// taken whole. Offsets are byte offsets, which equal character offsets for the ASCII that rules are written in.
    static func tokens(_ text: String) throws(ExpressionError) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x80 }
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            let start = i
            if isDigit(c) {
                while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "_") { i += 1 }
                let literal = String(decoding: bytes[start..<i].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
                guard let value = Double(literal) else { throw ExpressionError(offset: start, message: "'\(literal)' is not a number") }
                tokens.append(Token(kind: .number(value), offset: start))
            } else if isLetter(c) || c == UInt8(ascii: "_") {
                while i < bytes.count, isLetter(bytes[i]) || isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") { i += 1 }
                tokens.append(Token(kind: .identifier(slice(start..<i)), offset: start))
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                i += 1
                while i < bytes.count, bytes[i] != c { i += 1 }
                guard i < bytes.count else { throw ExpressionError(offset: start, message: "unterminated string") }
                tokens.append(Token(kind: .string(slice(start + 1..<i)), offset: start))
                i += 1
            } else if let symbol = symbolBytes.firstIndex(where: { bytes[i...].starts(with: $0) }) {
                i += symbolBytes[symbol].count
                tokens.append(Token(kind: .symbol(symbols[symbol]), offset: start))
            } else {
                var end = i + 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                throw ExpressionError(offset: start, message: "unexpected character '\(slice(start..<end))'")
            }
        }
        tokens.append(Token(kind: .end, offset: bytes.count))
        return tokens
    }
}
