/// Message text with `{expression}` or `{expression | duration}` parts, checked at load time.
package struct MessageTemplate: Sendable {
    enum Part: Sendable {
        case literal(String)
        case expression(Expression)
    }

    var raw: String
    var parts: [Part]

    /// Text shown as written: the descriptions of built-in checks, whose messages come from the engine.
    static func literal(_ text: String) -> MessageTemplate { MessageTemplate(raw: text, parts: [.literal(text)]) }

    /// A message is a sentence or two: a longer template, or more interpolations than this, is refused when the rule
    /// loads, so that no rule can make each finding megabytes long.
    package static let maxLength = ExpressionParser.maxLength
    package static let maxInterpolations = 32
    /// An interpolated value longer than this is shortened with "…" (a value can be a megabyte-long line).
    package static let maxRenderedValue = 256

    /// Returns the template, or the offset and message of the first bad interpolation.
    package static func parse(_ text: String) throws(ExpressionError) -> MessageTemplate {
        var parts: [Part] = []
        let bytes = Array(text.utf8)
        if bytes.count > maxLength {
            throw ExpressionError(offset: maxLength, message: "the message is longer than \(maxLength) bytes")
        }
        var interpolations = 0
        var literalStart = 0, index = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "{")) {
            guard let close = bytes[open...].firstIndex(of: UInt8(ascii: "}")) else {
                throw ExpressionError(offset: open, message: "'{' without a closing '}'")
            }
            interpolations += 1
            if interpolations > maxInterpolations {
                throw ExpressionError(offset: open, message: "more than \(maxInterpolations) interpolations in one message")
            }
            let expression: Expression
            do {
                expression = try ExpressionParser.interpolation(String(decoding: bytes[(open + 1)..<close], as: UTF8.self))
            } catch {
                throw ExpressionError(offset: open + 1 + error.offset, message: error.message)
            }
            if open > literalStart { parts.append(.literal(String(decoding: bytes[literalStart..<open], as: UTF8.self))) }
            parts.append(.expression(expression))
            index = close + 1
            literalStart = index
        }
        if literalStart < bytes.count { parts.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return MessageTemplate(raw: text, parts: parts)
    }

    func render(_ context: EvaluationContext) -> String {
        parts.map { part in
            switch part {
            case .literal(let text): text
            case .expression(let expression): Self.shortened(expression.evaluate(context)?.rendered ?? "(unknown)")
            }
        }.joined()
    }

    static func shortened(_ text: String) -> String {
        guard text.utf8.count > maxRenderedValue else { return text }
        return String(text.prefix(maxRenderedValue)) + "…"
    }
}
