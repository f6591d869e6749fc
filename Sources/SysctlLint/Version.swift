/// The tool's version, reported in `--version` and in every JSON report.
public enum SysctlLintVersion {
    public static let current = "0.1.0"
}
