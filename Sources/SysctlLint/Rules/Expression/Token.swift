/// Tokens of the condition language. Offsets are 0-based character positions in the expression text.
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

struct ExpressionError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}

enum Lexer {
    static let symbols = ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", "|"]

    static func tokens(_ text: String) throws(ExpressionError) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if c.isNumber {
                while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "_" { i += 1 }
                let literal = String(chars[start..<i]).replacingUnderscores()
                guard let value = Double(literal) else { throw ExpressionError(offset: start, message: "'\(literal)' is not a number") }
                tokens.append(Token(kind: .number(value), offset: start))
            } else if c.isLetter || c == "_" {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                tokens.append(Token(kind: .identifier(String(chars[start..<i])), offset: start))
            } else if c == "\"" || c == "'" {
                i += 1
                var value = ""
                while i < chars.count, chars[i] != c { value.append(chars[i]); i += 1 }
                guard i < chars.count else { throw ExpressionError(offset: start, message: "unterminated string") }
                i += 1
                tokens.append(Token(kind: .string(value), offset: start))
            } else if let symbol = symbols.first(where: { matches($0, chars, at: i) }) {
                i += symbol.count
                tokens.append(Token(kind: .symbol(symbol), offset: start))
            } else {
                throw ExpressionError(offset: start, message: "unexpected character '\(c)'")
            }
        }
        tokens.append(Token(kind: .end, offset: chars.count))
        return tokens
    }

    private static func matches(_ symbol: String, _ chars: [Character], at index: Int) -> Bool {
        let symbolChars = Array(symbol)
        guard index + symbolChars.count <= chars.count else { return false }
        return Array(chars[index..<(index + symbolChars.count)]) == symbolChars
    }
}

private extension String {
    func replacingUnderscores() -> String { filter { $0 != "_" } }
}
