/// What an expression sees: the matched assignment, the effective state, the kernel model and the figures.
struct EvaluationContext {
    var value: SysctlValue?
    var ignoreFailure: Bool
    var kernel: KernelVersion
    var defaultValue: SysctlValue?
    var lookup: (String) -> SysctlValue?
    var isSet: (String) -> Bool
    var figure: (ComputedFigure.Name) -> Double?
    var giveUp: (ComputedFigure.Name) -> Double? = { _ in nil }
}

/// A runtime value. Missing data (a value that is not a number, a default that depends on memory) is nil and
/// makes the enclosing comparison false rather than guessing.
enum Evaluated {
    case number(Double)
    case bool(Bool)
    case string(String)
    case version(KernelVersion)
    case sysctl(SysctlValue)

    var number: Double? {
        switch self {
        case .number(let n): n
        case .sysctl(let value): value.firstInteger.map(Double.init)
        default: nil
        }
    }

    var text: String? {
        switch self {
        case .string(let s): s
        case .sysctl(let value): value.fields.joined(separator: " ")
        default: nil
        }
    }

    /// How the value reads inside a message.
    var rendered: String {
        switch self {
        case .number(let n): Format.number(n)
        case .bool(let b): b ? "true" : "false"
        case .string(let s): s
        case .version(let v): v.description
        case .sysctl(let value): value.fields.joined(separator: " ")
        }
    }
}

extension Expression {
    func evaluate(_ context: EvaluationContext) -> Evaluated? {
        switch self {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .version(let v): return .version(v)
        case .value: return context.value.map(Evaluated.sysctl)
        case .defaultValue: return context.defaultValue.map(Evaluated.sysctl)
        case .key(let name): return context.lookup(name).map(Evaluated.sysctl)
        case .isSet(let name): return .bool(context.isSet(name))
        case .figure(let name): return context.figure(name).map(Evaluated.number)
        case .giveUp(let name): return context.giveUp(name).map(Evaluated.number)
        case .kernel: return .version(context.kernel)
        case .ignoreFailure: return .bool(context.ignoreFailure)
        case .field(let inner, let index):
            guard case .sysctl(let value)? = inner.evaluate(context), index < value.fields.count,
                  let number = SysctlValue.parseInteger(value.fields[index]) else { return nil }
            return .number(Double(number))
        case .fieldCount(let inner):
            guard case .sysctl(let value)? = inner.evaluate(context) else { return nil }
            return .number(Double(value.fields.count))
        case .text(let inner):
            return inner.evaluate(context)?.text.map(Evaluated.string)
        case .call(let function, let arguments):
            let numbers = arguments.compactMap { $0.evaluate(context)?.number }
            guard numbers.count == arguments.count else { return nil }
            switch function {
            case .min: return .number(Swift.min(numbers[0], numbers[1]))
            case .max: return .number(Swift.max(numbers[0], numbers[1]))
            case .abs: return .number(Swift.abs(numbers[0]))
            case .duration: return .string(Format.duration(seconds: numbers[0]))
            case .bytes: return .string(Format.bytes(numbers[0]))
            }
        case .unary(let op, let operand):
            guard let value = operand.evaluate(context) else { return nil }
            if op == "not", case .bool(let b) = value { return .bool(!b) }
            return value.number.map { .number(-$0) }
        case .binary(let op, let left, let right):
            return binary(op, left, right, context)
        case .membership(let left, let items):
            guard let value = left.evaluate(context) else { return nil }
            return .bool(items.contains { item in
                guard let candidate = item.evaluate(context) else { return false }
                return Self.equal(value, candidate) ?? false
            })
        }
    }

    private func binary(_ op: String, _ left: Expression, _ right: Expression, _ context: EvaluationContext) -> Evaluated? {
        if op == "and" || op == "or" {
            guard case .bool(let l)? = left.evaluate(context) else { return op == "and" ? .bool(false) : right.evaluate(context) }
            if op == "and" && !l { return .bool(false) }
            if op == "or" && l { return .bool(true) }
            guard case .bool(let r)? = right.evaluate(context) else { return .bool(false) }
            return .bool(r)
        }
        guard let l = left.evaluate(context), let r = right.evaluate(context) else { return nil }
        switch op {
        case "==": return Self.equal(l, r).map(Evaluated.bool)
        case "!=": return Self.equal(l, r).map { .bool(!$0) }
        case "<", "<=", ">", ">=":
            if case .version(let a) = l, case .version(let b) = r { return .bool(Self.compare(op, a, b)) }
            guard let a = l.number, let b = r.number else { return nil }
            return .bool(Self.compare(op, a, b))
        default:
            guard let a = l.number, let b = r.number else { return nil }
            switch op {
            case "+": return .number(a + b)
            case "-": return .number(a - b)
            case "*": return .number(a * b)
            case "/": return b == 0 ? nil : .number(a / b)
            case "%": return b == 0 ? nil : .number(a.truncatingRemainder(dividingBy: b))
            default: return nil
            }
        }
    }

    private static func compare<T: Comparable>(_ op: String, _ a: T, _ b: T) -> Bool {
        switch op {
        case "<": a < b
        case "<=": a <= b
        case ">": a > b
        default: a >= b
        }
    }

    private static func equal(_ l: Evaluated, _ r: Evaluated) -> Bool? {
        switch (l, r) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.version(let a), .version(let b)): return a == b
        case (.string, _), (_, .string):
            guard let a = l.text, let b = r.text else { return nil }
            return a == b
        default:
            guard let a = l.number, let b = r.number else { return nil }
            return a == b
        }
    }
}

/// Human formatting shared by messages and the text report.
public enum Format {
    /// 7875 → "2h 11m 15s"; 924.6 → "15m 24.6s"; 3 → "3s".
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "∞" }
        if seconds < 0 { return "-" + duration(seconds: -seconds) }
        // Beyond this the tenths no longer fit an Int; nobody needs the days counted exactly.
        guard seconds < 1e15 else { return "more than 30 million years" }
        let tenths = Int((seconds * 10).rounded())
        var rest = tenths / 10
        let fraction = tenths % 10
        let days = rest / 86400; rest %= 86400
        let hours = rest / 3600; rest %= 3600
        let minutes = rest / 60; rest %= 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if rest > 0 || fraction > 0 || parts.isEmpty { parts.append(fraction > 0 ? "\(rest).\(fraction)s" : "\(rest)s") }
        return parts.joined(separator: " ")
    }

    /// 16777216 → "16 MiB".
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var amount = value
        var unit = 0
        while abs(amount) >= 1024 && unit < units.count - 1 { amount /= 1024; unit += 1 }
        return "\(number((amount * 10).rounded() / 10)) \(units[unit])"
    }

    /// Whole numbers without a decimal point; others with at most two decimals.
    public static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let rounded = (value * 100).rounded() / 100
        var text = String(rounded)
        if text.contains("e") { return String(value) }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
