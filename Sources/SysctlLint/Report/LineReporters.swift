import Foundation

/// `--format gcc`: the bare `file:line:column: severity: message [rule]` lines that compilers print, so that editors
/// (vim's errorformat, Emacs compilation-mode) and CI log parsers jump to them. `info` is spelt `note`, as gcc does.
public struct GCCReporter: Sendable {
    public init() {}

    public func render(_ findings: [Finding]) -> String {
        var sink = ReportSink()
        render(findings, into: &sink)
        return sink.text
    }

    public func render(_ findings: [Finding], into sink: inout ReportSink) {
        for finding in findings {
            let place = finding.location.map { "\(DisplayText.path($0.file)):\($0.line):\($0.column)" } ?? "sysctl-lint"
            // Escaping shows every line break as `\n`: one finding is one line.
            sink.write("\(place): \(Self.severity(finding.severity)): \(DisplayText.escaped(finding.message)) [\(finding.rule)]\n")
        }
    }

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }
}

/// `--format github`: GitHub Actions workflow commands that become annotations on the pull request, with the
/// toolkit's escaping. GitHub shows only 10 error and 10 warning annotations per step, so a summary line follows
/// that says how many there are in all and points to SARIF for large result sets.
public struct GitHubReporter: Sendable {
    public init() {}

    public func render(_ findings: [Finding]) -> String {
        annotations(findings) + summary(Dictionary(grouping: findings, by: \.severity).mapValues(\.count))
    }

    /// One workflow command per finding.
    public func annotations(_ findings: [Finding]) -> String {
        var sink = ReportSink()
        annotations(findings, into: &sink)
        return sink.text
    }

    public func annotations(_ findings: [Finding], into sink: inout ReportSink) {
        for finding in findings.lazy.map(\.forDisplay) {
            var properties: [String] = []
            if let location = finding.location {
                properties += ["file=\(Self.property(location.file))", "line=\(location.line)", "col=\(location.column)"]
            }
            properties.append("title=\(Self.property("sysctl-lint \(finding.rule)"))")
            var message = finding.messageWithHost
            if let fix = finding.fix { message += "\nfix: \(fix)" }
            sink.write("::\(Self.command(finding.severity)) \(properties.joined(separator: ","))::\(Self.data(message))\n")
        }
    }

    /// The closing line: totals, and a pointer to SARIF when GitHub will not show every annotation.
    public func summary(_ counts: [Severity: Int]) -> String {
        var out = "sysctl-lint: \(Severity.phrase(counts))"
        if (counts[.error] ?? 0) > 10 || (counts[.warning] ?? 0) > 10 {
            out += " (GitHub shows only the first 10 errors and 10 warnings per step as annotations; upload --format sarif for all)"
        }
        return out + "\n"
    }

    static func command(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "notice"
        }
    }

    /// Message data: `%` and the line breaks escaped, byte by byte (Foundation's search went through UTF-16 and
    /// took a fleet report most of its time; it also passed over a `:` that a combining mark followed).
    static func data(_ text: String) -> String { escaped(text, separators: false) }

    /// Property values additionally escape `:` and `,`, which separate properties.
    static func property(_ text: String) -> String { escaped(text, separators: true) }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func escaped(_ text: String, separators: Bool) -> String {
        func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "%") || byte == 0x0D || byte == 0x0A
                || separators && (byte == UInt8(ascii: ":") || byte == UInt8(ascii: ","))
        }
        return UTF8Text.withBytes(text) { bytes in
            guard bytes.contains(where: special) else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            for byte in bytes {
                guard special(byte) else { out.append(byte); continue }
                out.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
