/// tuned profiles (`tuned.conf`): the `[sysctl]` section's `key = value` lines (tuned's sysctl plugin writes each
/// to /proc/sys when the profile is applied). A value using tuned's variables or functions (`${…}`) is not guessed.
/// One profile is one unit; `include=` of a parent profile is not followed (say so when present).
struct TunedSource {
    static func isTuned(_ path: String) -> Bool {
        (path.split(separator: "/").last.map(String.init) ?? path) == "tuned.conf"
    }

    func parse(_ source: SourceText) -> ParsedFile {
        var file = ParsedFile(path: source.path)
        var section = ""
        var number = 0
        for raw in source.bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let line = String(decoding: raw, as: UTF8.self)
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast()).trimmingSpaces()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingSpaces()
            let valueStart = line[line.index(after: equals)...]
            let value = String(valueStart).trimmingSpaces()
            let leading = valueStart.prefix { $0 == " " || $0 == "\t" }.utf8.count
            let column = line[..<equals].utf8.count + 2 + leading
            let location = SourceLocation(file: source.path, line: number, column: column)
            if section == "main" && key == "include" {
                file.findings.append(Finding(rule: "source-not-checkable", severity: .info, location: location,
                    message: "this profile includes \(value); the included profile's sysctls are not read here (check it too)"))
            }
            guard section == "sysctl", !key.isEmpty else { continue }
            if value.contains("${") {
                file.findings.append(Finding(rule: "source-not-checkable", severity: .info, key: key, value: value, location: location,
                    message: "\(key) = \(value) uses a tuned variable or function; its value is not guessed, so it is not checked"))
                continue
            }
            file.statements.append(.assignment(Assignment(key: SysctlKey(key), value: value, ignoreFailure: false,
                                                          location: SourceLocation(file: source.path, line: number, column: 1), valueColumn: column)))
        }
        file.lineCount = number
        return file
    }
}
