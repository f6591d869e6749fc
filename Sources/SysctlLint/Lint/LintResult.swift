/// Everything one run found: the findings, the figures, and the kernel they assume.
public struct LintResult: Sendable {
    public var kernel: KernelVersion
    /// True when the user named no kernel and the model's newest was assumed.
    public var kernelAssumed: Bool
    public var findings: [Finding]
    public var figures: [ComputedFigure]
    public var files: [String]
    /// Which state the rules and figures describe.
    public var evaluated: EvaluatedState = .config
    /// The host the values came from (fleet exports).
    public var host: String?
    /// Where running values came from, when the run had any.
    public var runtimeSource: String?
    /// True when the target kernel is the snapshot's `kernel.osrelease`.
    public var kernelFromSnapshot = false
    /// True when the target kernel is the one this machine runs (`--system`, `--root /`).
    public var kernelFromHost = false
    /// Findings that inline `# sysctl-lint: disable=` directives suppressed (not in `findings`).
    public var suppressed: [Finding] = []
    /// Set when findings were compared with a baseline file: how many it hid and how many of its entries are gone.
    public var baseline: BaselineOutcome?
    /// When several configurations were checked each on its own (one per file argument), their figures; `figures`
    /// is then empty, since no single state exists.
    public var units: [Unit] = []

    /// One configuration checked on its own: its files and the figures it yields.
    public struct Unit: Sendable {
        public var files: [String]
        public var figures: [ComputedFigure]
    }

    /// Unrelated configurations checked one by one, reported as one run: findings in argument order, figures per
    /// configuration. One result stays as it is.
    public static func combining(_ results: [LintResult]) -> LintResult? {
        guard var combined = results.first else { return nil }
        guard results.count > 1 else { return combined }
        combined.findings = results.flatMap(\.findings)
        combined.suppressed = results.flatMap(\.suppressed)
        combined.files = results.flatMap(\.files)
        combined.figures = []
        combined.units = results.map { Unit(files: $0.files, figures: $0.figures) }
        return combined
    }

    // Counted in place: filtering or grouping copied every finding, three times over for a JSON summary.
    public func count(_ severity: Severity) -> Int {
        var count = 0
        for finding in findings where finding.severity == severity { count += 1 }
        return count
    }

    /// Findings per severity.
    public var counts: [Severity: Int] {
        // Counted in three slots, not hashed per finding: a large report asks more than once.
        var info = 0, warning = 0, error = 0
        for finding in findings {
            switch finding.severity {
            case .info: info += 1
            case .warning: warning += 1
            case .error: error += 1
            }
        }
        var counts: [Severity: Int] = [:]
        if info > 0 { counts[.info] = info }
        if warning > 0 { counts[.warning] = warning }
        if error > 0 { counts[.error] = error }
        return counts
    }

    /// The most severe finding, if any.
    public var worstSeverity: Severity? {
        var worst: Severity?
        for finding in findings where worst.map({ finding.severity > $0 }) ?? true { worst = finding.severity }
        return worst
    }
}

/// The state rules evaluate: the configuration as the loaders would apply it, or the running kernel's values.
public enum EvaluatedState: String, Sendable, CaseIterable {
    case config, runtime
}

/// What one run checks: configuration files (already parsed, in application order), findings from loading them
/// (a tree's masked files), a running kernel's values, and which of the two the rules evaluate.
public struct LintRequest: Sendable {
    public var config: [ParsedFile]
    public var findings: [Finding]
    public var runtime: RuntimeSnapshot?
    public var evaluate: EvaluatedState
    public var kernel: KernelVersion?
    /// The kernel this machine runs, the target when neither `kernel` nor a snapshot names one: a check of this
    /// machine's own configuration is about its own kernel.
    public var hostKernel: KernelVersion?
    /// Whether the result lists every figure. A fleet report shows none: a host's figures are then computed only
    /// when a rule's condition asks for one (computing all of them was a fifth of the work per host).
    public var reportsFigures = true
    /// Whether the effective state and the other work the lint builds are left for the process's exit to reclaim
    /// (see `ProcessLifetime`): for a command that lints once and exits, never for one request of many.
    public var keepsWorkUntilExit = false

    /// The kernel the lint describes: the one named, else the snapshot's (`runtime?.kernel`), else this machine's,
    /// else the newest the model knows.
    func targetKernel(snapshotKernel: KernelVersion?) -> KernelVersion {
        kernel ?? snapshotKernel ?? hostKernel ?? ParameterCatalogue.newestKnownKernel
    }

    public init(config: [ParsedFile] = [], findings: [Finding] = [], runtime: RuntimeSnapshot? = nil,
                evaluate: EvaluatedState = .config, kernel: KernelVersion? = nil, hostKernel: KernelVersion? = nil) {
        self.hostKernel = hostKernel
        self.config = config
        self.findings = findings
        self.runtime = runtime
        self.evaluate = evaluate
        self.kernel = kernel
    }
}
