import DataTree
/// Parses and type-checks the rule language in one pass (precedence from loose to tight):
///
///     or  →  and  →  not  →  comparison (== != < <= > >=, in [..])  →  + -  →  * / %  →  unary -  →  postfix [i]
///
/// Primaries: numbers, strings, `true`/`false`, `value`, `default`, `kernel`, `ignore_failure`, and calls
/// `key("k")`, `is_set("k")`, `figure("name")`, `give_up("name")`, `fields(x)`, `text(x)`, `min`, `max`, `abs`, `duration`, `bytes`.
/// There are no loops, no recursion and no variables, so every expression terminates; nesting is capped.
package struct ExpressionParser {
    /// Limits that keep a hostile rule file from exhausting the stack or the CPU: nesting of any operator,
    /// tokens and bytes per expression.
    static let maxDepth = 64
    static let maxTokens = 1024
    static let maxLength = 8192

    private var tokens: [Token]
    private var position = 0
    private var depth = 0

    /// Parses a whole condition; it must be boolean.
    package static func condition(_ text: String) throws(ExpressionError) -> Expression {
        var parser = try ExpressionParser(text)
        let (expression, type) = try parser.parseOr()
        try parser.expectEnd()
        try checkHeight(expression, offset: 0)
        guard type == .bool else {
            throw ExpressionError(offset: 0, message: "a condition must be true or false, but this is a \(type.rawValue)")
        }
        return expression
    }

    /// Parses an interpolation `expr` or `expr | format` inside a message.
    package static func interpolation(_ text: String) throws(ExpressionError) -> Expression {
        var parser = try ExpressionParser(text)
        var (expression, type) = try parser.parseOr()
        while parser.peekSymbol("|") {
            parser.position += 1
            guard case .identifier(let name) = parser.current.kind,
                  let function = Expression.Function(rawValue: name), function == .duration || function == .bytes else {
                throw ExpressionError(offset: parser.current.offset, message: "after '|' comes a format: duration or bytes")
            }
            parser.position += 1
            try requireNumeric(type, at: parser.current.offset, what: name)
            expression = .call(function, [expression])
            type = .string
        }
        try parser.expectEnd()
        try checkHeight(expression, offset: 0)
        return expression
    }

    private init(_ text: String) throws(ExpressionError) {
        guard text.utf8.count <= Self.maxLength else {
            throw ExpressionError(offset: Self.maxLength, message: "expression longer than \(Self.maxLength) bytes")
        }
        tokens = try Lexer.tokens(text)
        guard tokens.count <= Self.maxTokens else {
            throw ExpressionError(offset: tokens[Self.maxTokens].offset, message: "expression longer than \(Self.maxTokens) tokens")
        }
    }

    /// A parsed expression whose operator tree is deeper than `maxDepth` (a long `a + a + …` chain) is refused
    /// too: evaluating it recurses once per level. The token limit bounds this walk itself.
    private static func checkHeight(_ expression: Expression, offset: Int) throws(ExpressionError) {
        guard expression.height <= maxDepth else {
            throw ExpressionError(offset: offset, message: "expression nested too deeply: more than \(maxDepth) levels of operators")
        }
    }

    private var current: Token { tokens[position] }

    private func peekSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private func peekWord(_ word: String) -> Bool { current.kind == .identifier(word) }

    private mutating func expect(_ symbol: String) throws(ExpressionError) {
        guard peekSymbol(symbol) else { throw ExpressionError(offset: current.offset, message: "expected '\(symbol)'") }
        position += 1
    }

    private func expectEnd() throws(ExpressionError) {
        guard current.kind == .end else { throw ExpressionError(offset: current.offset, message: "unexpected \(describe(current))") }
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .number(let n): "number \(n)"
        case .string(let s): "string \"\(s)\""
        case .identifier(let name): "'\(name)'"
        case .symbol(let s): "'\(s)'"
        case .end: "end of expression"
        }
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw ExpressionError(offset: current.offset, message: "expression nested too deeply") }
    }

    private mutating func parseOr() throws(ExpressionError) -> (Expression, ExpressionType) {
        try enter(); defer { depth -= 1 }
        var (left, leftType) = try parseAnd()
        while peekWord("or") {
            let offset = current.offset
            position += 1
            let (right, rightType) = try parseAnd()
            try requireBool(leftType, rightType, at: offset, operator: "or")
            left = .binary("or", left, right)
            leftType = .bool
        }
        return (left, leftType)
    }

    private mutating func parseAnd() throws(ExpressionError) -> (Expression, ExpressionType) {
        var (left, leftType) = try parseNot()
        while peekWord("and") {
            let offset = current.offset
            position += 1
            let (right, rightType) = try parseNot()
            try requireBool(leftType, rightType, at: offset, operator: "and")
            left = .binary("and", left, right)
            leftType = .bool
        }
        return (left, leftType)
    }

    private mutating func parseNot() throws(ExpressionError) -> (Expression, ExpressionType) {
        if peekWord("not") {
            let offset = current.offset
            position += 1
            try enter(); defer { depth -= 1 }
            let (operand, type) = try parseNot()
            guard type == .bool else { throw ExpressionError(offset: offset, message: "'not' needs true or false, not a \(type.rawValue)") }
            return (.unary("not", operand), .bool)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> (Expression, ExpressionType) {
        let (left, leftType) = try parseSum()
        if peekWord("in") {
            let offset = current.offset
            position += 1
            try expect("[")
            var items: [Expression] = []
            repeat {
                if !items.isEmpty { try expect(",") }
                let (item, itemType) = try parseSum()
                try checkComparable(leftType, itemType, at: offset, operator: "in", literal: item)
                items.append(convertLiteral(item, for: leftType))
            } while peekSymbol(",")
            try expect("]")
            return (.membership(left, items), .bool)
        }
        for op in ["==", "!=", "<=", ">=", "<", ">"] where peekSymbol(op) {
            let offset = current.offset
            position += 1
            let (right, rightType) = try parseSum()
            try checkComparable(leftType, rightType, at: offset, operator: op, literal: right)
            if (op != "==" && op != "!="), leftType == .string || rightType == .string, leftType != .version, rightType != .version {
                throw ExpressionError(offset: offset, message: "'\(op)' compares numbers or versions, not text")
            }
            let (l, r) = (convertLiteral(left, for: rightType), convertLiteral(right, for: leftType))
            return (.binary(op, l, r), .bool)
        }
        return (left, leftType)
    }

    /// A string literal compared with `kernel` becomes a version (checked now, so a typo fails at load time).
    private func convertLiteral(_ expression: Expression, for otherType: ExpressionType) -> Expression {
        if otherType == .version, case .string(let text) = expression, let version = KernelVersion(text) { return .version(version) }
        return expression
    }

    private func checkComparable(_ left: ExpressionType, _ right: ExpressionType, at offset: Int, operator op: String,
                                 literal: Expression) throws(ExpressionError) {
        let numeric: Set<ExpressionType> = [.number, .sysctl]
        if numeric.contains(left) && numeric.contains(right) { return }
        if left == .bool && right == .bool && (op == "==" || op == "!=") { return }
        if (left == .string || left == .sysctl) && right == .string && (op == "==" || op == "!=" || op == "in") { return }
        if left == .string && right == .sysctl && (op == "==" || op == "!=") { return }
        if left == .version && right == .version { return }
        if left == .version && right == .string {
            guard case .string(let text) = literal, KernelVersion(text) != nil else {
                throw ExpressionError(offset: offset, message: "compare kernel with a version literal such as \"4.12\"")
            }
            return
        }
        throw ExpressionError(offset: offset, message: "cannot compare a \(left.rawValue) with a \(right.rawValue) using '\(op)'")
    }

    private mutating func parseSum() throws(ExpressionError) -> (Expression, ExpressionType) {
        var (left, leftType) = try parseProduct()
        while let op = ["+", "-"].first(where: peekSymbol) {
            let offset = current.offset
            position += 1
            let (right, rightType) = try parseProduct()
            try requireNumeric(leftType, at: offset, what: op)
            try requireNumeric(rightType, at: offset, what: op)
            left = .binary(op, left, right)
            leftType = .number
        }
        return (left, leftType)
    }

    private mutating func parseProduct() throws(ExpressionError) -> (Expression, ExpressionType) {
        var (left, leftType) = try parseUnary()
        while let op = ["*", "/", "%"].first(where: peekSymbol) {
            let offset = current.offset
            position += 1
            let (right, rightType) = try parseUnary()
            try requireNumeric(leftType, at: offset, what: op)
            try requireNumeric(rightType, at: offset, what: op)
            left = .binary(op, left, right)
            leftType = .number
        }
        return (left, leftType)
    }

    private mutating func parseUnary() throws(ExpressionError) -> (Expression, ExpressionType) {
        if peekSymbol("-") {
            let offset = current.offset
            position += 1
            try enter(); defer { depth -= 1 }
            let (operand, type) = try parseUnary()
            try Self.requireNumeric(type, at: offset, what: "-")
            return (.unary("-", operand), .number)
        }
        var (expression, type) = try parsePrimary()
        while peekSymbol("[") {
            let offset = current.offset
            position += 1
            guard case .number(let n) = current.kind, n >= 0, n == n.rounded(), n < 64 else {
                throw ExpressionError(offset: current.offset, message: "a field index is a whole number from 0")
            }
            position += 1
            try expect("]")
            guard type == .sysctl else { throw ExpressionError(offset: offset, message: "only sysctl values have fields, not a \(type.rawValue)") }
            expression = .field(expression, Int(n))
            type = .number
        }
        return (expression, type)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> (Expression, ExpressionType) {
        let token = current
        position += 1
        switch token.kind {
        case .number(let n): return (.number(n), .number)
        case .string(let s): return (.string(s), .string)
        case .symbol("("):
            let inner = try parseOr()
            try expect(")")
            return inner
        case .identifier(let name):
            if peekSymbol("(") { return try parseCall(name, at: token.offset) }
            switch name {
            case "true": return (.bool(true), .bool)
            case "false": return (.bool(false), .bool)
            case "value": return (.value, .sysctl)
            case "default": return (.defaultValue, .sysctl)
            case "kernel": return (.kernel, .version)
            case "ignore_failure": return (.ignoreFailure, .bool)
            default:
                let known = ["value", "default", "kernel", "ignore_failure", "true", "false"]
                let hint = Suggest.closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw ExpressionError(offset: token.offset, message: "unknown name '\(name)'\(hint)")
            }
        default:
            throw ExpressionError(offset: token.offset, message: "unexpected \(describe(token))")
        }
    }

    private mutating func parseCall(_ name: String, at offset: Int) throws(ExpressionError) -> (Expression, ExpressionType) {
        try expect("(")
        var arguments: [(Expression, ExpressionType, Int)] = []
        if !peekSymbol(")") {
            repeat {
                if !arguments.isEmpty { try expect(",") }
                let argumentOffset = current.offset
                let (argument, type) = try parseOr()
                arguments.append((argument, type, argumentOffset))
            } while peekSymbol(",")
        }
        try expect(")")
        func arity(_ count: Int) throws(ExpressionError) {
            guard arguments.count == count else {
                throw ExpressionError(offset: offset, message: "\(name)() takes \(count) argument\(count == 1 ? "" : "s"), not \(arguments.count)")
            }
        }
        func literal() throws(ExpressionError) -> String {
            try arity(1)
            guard case .string(let text) = arguments[0].0 else {
                throw ExpressionError(offset: arguments[0].2, message: "\(name)() takes a quoted name")
            }
            return text
        }
        switch name {
        case "key":
            let key = try literal()
            return (.key(SysctlKey(key).name), .sysctl)
        case "is_set":
            return (.isSet(SysctlKey(try literal()).name), .bool)
        case "figure", "give_up":
            let figure = try literal()
            guard let known = ComputedFigure.Name(rawValue: figure) else {
                let hint = Suggest.closest(to: figure, among: ComputedFigure.Name.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                throw ExpressionError(offset: arguments[0].2, message: "unknown figure '\(figure)'\(hint)")
            }
            return (name == "figure" ? .figure(known) : .giveUp(known), .number)
        case "fields", "text":
            try arity(1)
            guard arguments[0].1 == .sysctl else {
                throw ExpressionError(offset: arguments[0].2, message: "\(name)() takes a sysctl value, not a \(arguments[0].1.rawValue)")
            }
            return name == "fields" ? (.fieldCount(arguments[0].0), .number) : (.text(arguments[0].0), .string)
        default:
            guard let function = Expression.Function(rawValue: name) else {
                let known = ["key", "is_set", "figure", "give_up", "fields", "text"] + Expression.Function.allCases.map(\.rawValue)
                let hint = Suggest.closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw ExpressionError(offset: offset, message: "unknown function '\(name)'\(hint)")
            }
            try arity(function == .min || function == .max ? 2 : 1)
            for argument in arguments { try Self.requireNumeric(argument.1, at: argument.2, what: name) }
            let type: ExpressionType = function == .duration || function == .bytes ? .string : .number
            return (.call(function, arguments.map(\.0)), type)
        }
    }

    private func requireBool(_ left: ExpressionType, _ right: ExpressionType, at offset: Int, operator op: String) throws(ExpressionError) {
        guard left == .bool, right == .bool else {
            throw ExpressionError(offset: offset, message: "'\(op)' joins conditions (true or false), not \(left == .bool ? right.rawValue : left.rawValue) values")
        }
    }

    private func requireNumeric(_ type: ExpressionType, at offset: Int, what: String) throws(ExpressionError) {
        try Self.requireNumeric(type, at: offset, what: what)
    }

    private static func requireNumeric(_ type: ExpressionType, at offset: Int, what: String) throws(ExpressionError) {
        guard type == .number || type == .sysctl else {
            throw ExpressionError(offset: offset, message: "'\(what)' needs numbers, not a \(type.rawValue)")
        }
    }
}
