/// At most this many findings are reported per run: memory and output grow with every finding (a 16 MiB file of
/// repeated lines yields 550,000, which SARIF renders as 480 MB using 2 GB), and no reader goes past the first
/// hundred thousand. The rest are counted, and still count for the exit status.
public enum FindingLimit {
    public static let perRun = 100_000

    /// The first `limit` findings (they are sorted by file and line), how many were left out, and the worst
    /// severity among all of them.
    public static func apply(_ findings: [Finding], limit: Int = perRun) -> (kept: [Finding], omitted: Int, worst: Severity?) {
        let worst = findings.map(\.severity).max()
        guard findings.count > limit else { return (findings, 0, worst) }
        return (Array(findings.prefix(max(limit, 0))), findings.count - max(limit, 0), worst)
    }

    /// What to tell the user, on stderr, when findings were left out.
    public static func message(omitted: Int) -> String {
        "\(omitted) more finding\(omitted == 1 ? " was" : "s were") not reported: a run reports at most \(perRun) (the exit status still counts them; fix the first ones, or check the files in parts)"
    }
}
