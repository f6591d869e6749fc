/// The tool's version, reported in `--version` and in every JSON report.
public enum SysctlLintVersion {
    public static let current = "0.5.7"
    /// The project's home, named in SARIF's `informationUri`.
    public static let homepage = "https://github.com/sysctl-lint/sysctl-lint"
    /// The generated rule documentation (`docs/rules.md`); each rule is a section whose anchor is its id.
    public static let rulesDocumentation = homepage + "/blob/main/docs/rules.md"

    /// Where one shipped rule is documented.
    public static func documentation(forRule id: String) -> String { rulesDocumentation + "#" + id }
}
