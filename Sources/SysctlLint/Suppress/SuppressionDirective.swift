/// An inline directive in a whole-line comment. sysctl files have no trailing comments (a `#` after `=` is part of
/// the value), so a directive sits on its own line and speaks about the next setting, or about the whole file:
///
///     # sysctl-lint: disable=tcp-retries2-low -- failover cluster, measured 4 s outages
///     net.ipv4.tcp_retries2 = 5
///     # sysctl-lint: disable-file=vendor-key,unknown-key -- shipped by the distribution
public struct SuppressionDirective: Sendable, Hashable {
    public enum Scope: String, Sendable {
        /// `disable=`: the next assignment (or exclusion, or malformed line) in the file.
        case nextLine = "disable"
        /// `disable-file=`: every finding in the file.
        case file = "disable-file"
    }

    public var scope: Scope
    public var rules: [String]
    /// The text after `--`, trimmed; nil when there is none.
    public var reason: String?
    public var location: SourceLocation

    /// What a comment says: not a directive, a directive, or an attempt at one that cannot be read.
    public enum Parsed: Sendable, Hashable {
        case none
        case directive(SuppressionDirective)
        case malformed(String)
    }

    static let marker = "sysctl-lint"

    /// Parses a comment's text (with its `#` or `;`). Comments that merely mention the tool later in the text are not
    /// directives; a comment that starts with `sysctl-lint` is one, or is reported as malformed.
    public static func parse(_ comment: Comment) -> Parsed {
        var text = Substring(comment.text)
        text = text.drop { $0 == "#" || $0 == ";" }.drop { $0 == " " || $0 == "\t" }
        guard text.hasPrefix(marker) else { return .none }
        text = text.dropFirst(marker.count)
        guard text.first == ":" else {
            // `sysctl-lintish` is another word; `sysctl-lint disable=…` is a directive missing its colon.
            if let next = text.first, next.isLetter || next.isNumber || next == "-" || next == "_" { return .none }
            return .malformed("write 'sysctl-lint:' with a colon, as in '# sysctl-lint: disable=RULE -- reason'")
        }
        text = text.dropFirst().drop { $0 == " " || $0 == "\t" }
        var reason: String?
        if let dashes = text.range(of: "--") {
            reason = String(text[dashes.upperBound...]).trimmingSpaces()
            text = text[..<dashes.lowerBound]
        }
        guard let equals = text.firstIndex(of: "=") else {
            return .malformed("expected 'disable=RULE[,RULE]' or 'disable-file=RULE[,RULE]' after 'sysctl-lint:'")
        }
        let verb = String(text[..<equals]).trimmingSpaces()
        guard let scope = Scope(rawValue: verb) else {
            return .malformed("unknown directive '\(verb)'; use 'disable' (next setting) or 'disable-file' (whole file)")
        }
        let rules = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        guard !rules.isEmpty, !rules.contains(where: \.isEmpty) else {
            return .malformed("'\(verb)=' needs rule ids separated by commas, such as '\(verb)=tcp-retries2-low'")
        }
        if let spaced = rules.first(where: { $0.contains(" ") || $0.contains("\t") }) {
            return .malformed("'\(spaced)' is not a rule id; put the reason after ' -- '")
        }
        return .directive(SuppressionDirective(scope: scope, rules: rules, reason: reason?.isEmpty == true ? nil : reason,
                                               location: comment.location))
    }
}
