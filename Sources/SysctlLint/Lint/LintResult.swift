/// Everything one run found: the findings, the figures, and the kernel they assume.
public struct LintResult: Sendable {
    public var kernel: KernelVersion
    /// True when the user named no kernel and the model's newest was assumed.
    public var kernelAssumed: Bool
    public var findings: [Finding]
    public var figures: [ComputedFigure]
    public var files: [String]

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// The most severe finding, if any.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }
}
