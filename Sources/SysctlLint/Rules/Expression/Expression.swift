/// A type-checked expression of the rule language. Built only by `ExpressionParser`, which rejects anything that
/// does not type-check; evaluation therefore never meets a type error, only missing data (nil).
package indirect enum Expression: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case version(KernelVersion)
    /// The value of the key the rule matched.
    case value
    /// The target kernel's default for the matched key.
    case defaultValue
    /// The effective value of another key (set in the files, else the target kernel's default).
    case key(String)
    case isSet(String)
    case figure(ComputedFigure.Name)
    /// When a budget figure really ends on a path with a 200 ms RTO (`give_up("retries2_giveup")`).
    case giveUp(ComputedFigure.Name)
    case kernel
    case ignoreFailure
    case field(Expression, Int)
    case fieldCount(Expression)
    case text(Expression)
    case call(Function, [Expression])
    case unary(String, Expression)
    case binary(String, Expression, Expression)
    case membership(Expression, [Expression])

    /// Levels of the operator tree (a leaf is 1); callers bound the expression's size first.
    var height: Int {
        switch self {
        case .number, .string, .bool, .version, .value, .defaultValue, .key, .isSet, .figure, .giveUp, .kernel, .ignoreFailure: 1
        case .field(let inner, _), .fieldCount(let inner), .text(let inner), .unary(_, let inner): inner.height + 1
        case .call(_, let arguments): (arguments.map(\.height).max() ?? 0) + 1
        case .binary(_, let left, let right): max(left.height, right.height) + 1
        case .membership(let left, let items): max(left.height, items.map(\.height).max() ?? 0) + 1
        }
    }

    package enum Function: String, Sendable, CaseIterable {
        case min, max, abs
        /// Formatting for messages: seconds as `2h 11m 15s`, bytes as `16 MiB`.
        case duration, bytes
    }
}

/// Static types. A `sysctl` value reads as its first number in arithmetic and comparisons, as text against
/// strings, and yields fields with `[i]`.
enum ExpressionType: String, Sendable {
    case number, bool, string, version, sysctl
}
