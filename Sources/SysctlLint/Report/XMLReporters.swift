/// `--format checkstyle`: the Checkstyle XML that Jenkins' warnings plugin, reviewdog and many CI servers read.
public struct CheckstyleReporter: Sendable {
    public var paths: ReportPaths

    public init(paths: ReportPaths = ReportPaths()) {
        self.paths = paths
    }

    public func render(_ findings: [Finding], files: [String]) -> String {
        // XML 1.0 cannot hold most control characters even as references; they are shown escaped.
        let findings = findings.map(\.forDisplay), files = files.map(DisplayText.escaped)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
        for (file, group) in XML.grouped(findings, files: files, paths: paths) {
            out += "  <file name=\"\(XML.escape(file))\">\n"
            for finding in group {
                var message = finding.messageWithHost
                if let fix = finding.fix { message += " — fix: \(fix)" }
                out += "    <error line=\"\(finding.location?.line ?? 0)\" column=\"\(finding.location?.column ?? 0)\""
                out += " severity=\"\(finding.severity.rawValue)\" message=\"\(XML.escape(message))\""
                out += " source=\"sysctl-lint.\(XML.escape(finding.rule))\"/>\n"
            }
            out += "  </file>\n"
        }
        return out + "</checkstyle>\n"
    }
}

/// `--format junit`: JUnit XML for Jenkins and GitLab test reports. One test suite per file and one test case per
/// finding; findings at or above the fail level are failures, the rest pass with their message as output, so
/// the test report fails exactly when the exit status does. A clean run is one passing case, because Jenkins
/// treats a report without test cases as an error.
public struct JUnitReporter: Sendable {
    public var paths: ReportPaths
    /// Findings at or above this severity are failures; nil: none are.
    public var failLevel: Severity?

    public init(paths: ReportPaths = ReportPaths(), failLevel: Severity? = .warning) {
        self.paths = paths
        self.failLevel = failLevel
    }

    public func render(_ findings: [Finding], files: [String]) -> String {
        // XML 1.0 cannot hold most control characters even as references; they are shown escaped.
        let findings = findings.map(\.forDisplay), files = files.map(DisplayText.escaped)
        let groups = XML.grouped(findings, files: files, paths: paths)
        let failures = findings.filter(isFailure).count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"sysctl-lint\" tests=\"\(max(findings.count, 1))\" failures=\"\(failures)\" errors=\"0\">\n"
        if findings.isEmpty {
            out += "  <testsuite name=\"sysctl-lint\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
            out += "    <testcase classname=\"sysctl-lint\" name=\"no findings\"/>\n  </testsuite>\n"
        }
        for (file, group) in groups where !group.isEmpty {
            let name = XML.escape(file)
            out += "  <testsuite name=\"\(name)\" tests=\"\(group.count)\" failures=\"\(group.filter(isFailure).count)\" errors=\"0\">\n"
            // Test-case names carry no line numbers, so a test's history survives moved lines; a repeated
            // rule and key in one file is told apart by its occurrence.
            var seen: [String: Int] = [:]
            for finding in group {
                let subject = [finding.host, finding.key].compactMap { $0 }.joined(separator: " ")
                var title = "\(finding.rule)\(subject.isEmpty ? "" : " " + subject)"
                seen[title, default: 0] += 1
                if let count = seen[title], count > 1 { title += " #\(count)" }
                var body = finding.message
                if let fix = finding.fix { body += "\nFix: \(fix)" }
                out += "    <testcase classname=\"\(name)\" name=\"\(XML.escape(title))\""
                if let location = finding.location { out += " file=\"\(XML.escape(paths.relative(location.file)))\" line=\"\(location.line)\"" }
                out += ">\n"
                if isFailure(finding) {
                    out += "      <failure message=\"\(XML.escape(finding.message))\" type=\"\(finding.severity.rawValue)\">\(XML.escape(body))</failure>\n"
                } else {
                    out += "      <system-out>\(XML.escape("\(finding.severity.rawValue): \(body)"))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    private func isFailure(_ finding: Finding) -> Bool {
        guard let failLevel else { return false }
        return finding.severity >= failLevel
    }
}

enum XML {
    /// Attribute and text escaping; characters XML 1.0 cannot carry at all become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xD800...0xDFFF).contains(value) && value != 0xFFFE && value != 0xFFFF
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// Findings per file, in the order files were read (files without findings included, then any other path).
    static func grouped(_ findings: [Finding], files: [String], paths: ReportPaths) -> [(String, [Finding])] {
        var order = files.map(paths.relative)
        var groups: [String: [Finding]] = [:]
        for finding in findings {
            let file = finding.location.map { paths.relative($0.file) } ?? "sysctl-lint"
            if !order.contains(file) { order.append(file) }
            groups[file, default: []].append(finding)
        }
        var seen = Set<String>()
        return order.filter { seen.insert($0).inserted }.map { ($0, groups[$0] ?? []) }
    }
}
