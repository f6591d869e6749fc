/// What a change to the configuration does, for review before it ships: the effective values that change, the
/// computed figures that change, and the findings it introduces and resolves. Both sides are linted with the same
/// rules, kernel and policy, so every difference comes from the change itself.
public struct ChangeReview: Sendable {
    /// One side of the change: its parsed files and the folder (or file) paths are relative to, so that the same
    /// setting in `old/etc/x.conf` and `new/etc/x.conf` (or in git difftool's two temporary files) is one setting.
    public struct Side: Sendable {
        public var files: [ParsedFile]
        public var findings: [Finding]
        /// A folder or tree root; nil when the side is one file.
        public var base: String?

        public init(files: [ParsedFile], findings: [Finding] = [], base: String?) {
            self.files = files
            self.findings = findings
            self.base = base
        }

        /// A file's name within the side: relative to the folder, or empty for a one-file side.
        func name(of file: String) -> String {
            guard let base else { return files.count == 1 && files[0].path == file ? "" : file }
            return ReportPaths(base: base).relative(file)
        }
    }

    public struct ValueChange: Sendable, Hashable {
        public var key: String
        /// nil: not set on that side (the kernel keeps its value; `defaultValue` says what that is, when known).
        public var before: String?
        public var after: String?
        public var beforeLocation: SourceLocation?
        public var afterLocation: SourceLocation?
        public var defaultValue: String?
    }

    /// A figure whose value changes; nil on the side where the model does not compute it (a limit not set).
    public struct FigureChange: Sendable, Hashable {
        public var name: ComputedFigure.Name
        public var before: ComputedFigure?
        public var after: ComputedFigure?
    }

    public var kernel: KernelVersion
    public var kernelAssumed: Bool
    public var old: LintResult
    public var new: LintResult
    public var values: [ValueChange]
    public var figures: [FigureChange]
    public var introduced: [Finding]
    public var resolved: [Finding]
    /// Findings present on both sides (same file, rule and key), which the change neither adds nor removes.
    public var unchanged: Int

    /// Lints both sides; `policy` is applied to both, so ignored rules stay ignored.
    public init(old: Side, new: Side, linter: Linter, kernel: KernelVersion?, policy: FindingPolicy = FindingPolicy()) {
        var oldResult = linter.lint(LintRequest(config: old.files, findings: old.findings, kernel: kernel))
        var newResult = linter.lint(LintRequest(config: new.files, findings: new.findings, kernel: kernel))
        oldResult.findings = policy.apply(oldResult.findings)
        newResult.findings = policy.apply(newResult.findings)
        self.old = oldResult
        self.new = newResult
        self.kernel = newResult.kernel
        kernelAssumed = newResult.kernelAssumed
        values = Self.valueChanges(old: old, new: new, catalogue: linter.knowledge.catalogue, kernel: newResult.kernel)
        let beforeFigures = Dictionary(oldResult.figures.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let afterFigures = Dictionary(newResult.figures.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        figures = ComputedFigure.Name.allCases.compactMap { name in
            let before = beforeFigures[name], after = afterFigures[name]
            guard before != nil || after != nil, before?.value != after?.value else { return nil }
            return FigureChange(name: name, before: before, after: after)
        }
        let oldKeys = Self.identities(oldResult.findings, side: old)
        let newKeys = Self.identities(newResult.findings, side: new)
        let oldSet = Set(oldKeys), newSet = Set(newKeys)
        introduced = zip(newResult.findings, newKeys).filter { !oldSet.contains($1) }.map(\.0)
        resolved = zip(oldResult.findings, oldKeys).filter { !newSet.contains($1) }.map(\.0)
        unchanged = newResult.findings.count - introduced.count
    }

    /// A finding's identity across the change: file within the side, rule, host and key, but not the value or line,
    /// so a finding that persists while its value changes is not "introduced" (the value change is listed).
    private static func identities(_ findings: [Finding], side: Side) -> [FindingIdentity] {
        FindingIdentity.assign(findings, file: side.name, includeValue: false)
    }

    private static func valueChanges(old: Side, new: Side, catalogue: ParameterCatalogue, kernel: KernelVersion) -> [ValueChange] {
        func effective(_ side: Side) -> [String: Assignment] {
            Dictionary(EffectiveState(files: side.files).effectiveAssignments.map { ($0.key.name, $0) }, uniquingKeysWith: { _, last in last })
        }
        let before = effective(old), after = effective(new)
        var changes: [ValueChange] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            let a = before[key], b = after[key]
            if let a, let b, DriftCheck.same(a.value, b.value) { continue }
            changes.append(ValueChange(key: key, before: a?.value, after: b?.value, beforeLocation: a?.location,
                                       afterLocation: b?.location, defaultValue: catalogue.defaultText(for: key, kernel: kernel)))
        }
        return changes
    }

    /// The worst severity among introduced findings: what decides the exit status of `diff`.
    public var worstIntroduced: Severity? { introduced.map(\.severity).max() }
}
