/// Runs the whole flow: parsed files → effective state → kernel model checks and figures → rules → findings.
public struct Linter: Sendable {
    public let knowledge: Knowledge
    /// Built once per linter, since fleets lint thousands of hosts with the same rules.
    private let rulesByKey: RuleKeyIndex
    /// Positions in `knowledge.rules` (a rule is large: a dictionary of copies cost a small run measurably).
    private let rulesByID: [String: Int]
    private let knownRules: Set<String>
    /// Each rule's compiled parts at the rule's position: reading them through `knowledge.rules[position]` copied
    /// the whole rule (a reference counted for each of its fields) for every watched value of every host.
    private let ruleParts: [RuleParts]
    /// Which kernels each non-builtin rule applies to (nil for a builtin rule), at the rule's position: asked for
    /// every host.
    private let ruleKernels: [KernelRange?]

    public init(knowledge: Knowledge) {
        self.knowledge = knowledge
        rulesByKey = RuleKeyIndex(knowledge.rules)
        var rulesByID: [String: Int] = [:]
        rulesByID.reserveCapacity(knowledge.rules.count)
        for (index, rule) in knowledge.rules.enumerated() { rulesByID[rule.id] = index }
        self.rulesByID = rulesByID
        knownRules = Set(rulesByID.keys)
        ruleParts = knowledge.rules.map(\.parts)
        ruleKernels = knowledge.rules.map { $0.builtin ? nil : $0.kernels }
    }

    /// Lints sources applied in order (later files win).
    public func lint(_ sources: [SourceText], kernel: KernelVersion? = nil) -> LintResult {
        let parser = ConfigParser()
        return lint(parsed: sources.map(parser.parse), kernel: kernel)
    }

    public func lint(parsed files: [ParsedFile], kernel requested: KernelVersion? = nil) -> LintResult {
        lint(LintRequest(config: files, kernel: requested))
    }

    /// Lints configuration and/or a running kernel's values: rules and figures describe the state the request
    /// names; drift compares the two when both are given.
    public func lint(_ request: LintRequest) -> LintResult {
        lint(request, runtimeState: nil)
    }

    /// The same, with the state of the request's running values made already (`EffectiveState(runtime:)`), as a
    /// fleet memo does to see what the lint would read (see `FleetLintMemo`).
    func lint(_ request: LintRequest, runtimeState: EffectiveState?) -> LintResult {
        let runtime = request.runtime
        let snapshotKernel = runtime?.kernel  // read from the release text: once, not once per use
        let kernel = request.targetKernel(snapshotKernel: snapshotKernel)
        let evaluated: EvaluatedState = runtime == nil ? .config : (request.config.isEmpty ? .runtime : request.evaluate)
        let runtimeFile = runtime?.fileHeader()
        let state = evaluated == .runtime ? runtimeState ?? runtime.map(EffectiveState.init(runtime:)) ?? EffectiveState() : EffectiveState(files: request.config)
        let calculator = FigureCalculator(state: state, catalogue: knowledge.catalogue, kernel: kernel,
                                          checksWrites: evaluated == .config)
        let figures = request.reportsFigures ? calculator.compute() : []
        var findings = request.config.flatMap(\.findings) + request.findings + (runtime?.notes ?? [])
        var checks = StateChecks(state: state, catalogue: knowledge.catalogue, kernel: kernel)
        if let rule = rulesByID["overridden-assignment"] { checks.overrideReferences = knowledge.rules[rule].references }
        if evaluated == .config { checks.run(into: &findings) }
        let known = FigureMemo(calculator, computed: request.reportsFigures ? figures : nil)
        findings += evaluateRules(state: state, kernel: kernel, figures: known, calculator: calculator,
                                  skipDefaults: evaluated == .runtime)
        if let runtime, !request.config.isEmpty {
            findings += DriftCheck(state: evaluated == .config ? state : EffectiveState(files: request.config), runtime: runtime).run()
        }
        var outcome = Suppressions(files: request.config, knownRules: knownRules).apply(to: findings)
        findings = outcome.kept
        // One owner of the kept findings, so that filling them in changes each in place rather than copying it.
        outcome.kept = []
        attachReferences(&findings)
        if let host = runtime?.host {
            for index in findings.indices { findings[index].host = host }
        }
        let files = request.config + (runtimeFile.map { [$0] } ?? [])
        let order = Dictionary(files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        let permutation = FindingOrder.permutation(of: findings, ranks: order, files: files.count)
        if zip(permutation, permutation.dropFirst()).contains(where: { $0 > $1 }) { FindingOrder.apply(permutation, to: &findings) }
        var result = LintResult(kernel: kernel, kernelAssumed: request.kernel == nil && snapshotKernel == nil && request.hostKernel == nil,
                                findings: findings, figures: figures, files: files.map(\.path))
        result.evaluated = evaluated
        result.suppressed = outcome.suppressed
        result.host = runtime?.host
        result.runtimeSource = runtime?.source
        result.kernelFromSnapshot = request.kernel == nil && snapshotKernel != nil
        result.kernelFromHost = request.kernel == nil && snapshotKernel == nil && request.hostKernel != nil
        if request.keepsWorkUntilExit { ProcessLifetime.keep(Work(state: state, request: request)) }
        return result
    }

    /// `skipDefaults`: for a running kernel's values, a key at its default was not tuned by anyone, so the
    /// hazard rules (which are about tuning) do not speak about it.
    private func evaluateRules(state: EffectiveState, kernel: KernelVersion, figures: FigureMemo,
                               calculator: FigureCalculator, skipDefaults: Bool) -> [Finding] {
        let rules = knowledge.rules
        guard let selection = ruleSelection(kernel: kernel) else { return [] }
        let catalogue = knowledge.catalogue
        // A write the kernel refuses is reported as invalid-value and changes nothing: rules judge what it keeps.
        let writeCheck = calculator.writeCheck
        func accepted(_ assignment: Assignment) -> Bool { writeCheck?.rejection(of: assignment) == nil }
        func effective(_ name: String) -> SysctlValue? {
            if let assignment = state.assignment(for: name), accepted(assignment) { return SysctlValue(assignment.value) }
            return catalogue.defaultText(for: name, kernel: kernel).map(SysctlValue.init)
        }
        // What a rule may look up is the same for every assignment: made once, not once per watched value (each
        // closure held its own copy of the state, and copying it counted a reference to each of its parts).
        let lookup: (String) -> SysctlValue? = effective
        let isSet: (String) -> Bool = { name in state.assignment(for: name).map(accepted) ?? false }
        let figure: (ComputedFigure.Name) -> Double? = { figures[$0]?.value }
        let giveUp: (ComputedFigure.Name) -> Double? = { figures[$0]?.giveUp.first?.seconds }
        var findings: [Finding] = []
        // Rules by position, never copied: a rule is large, and a snapshot has tens of thousands of keys.
        // Rows of a snapshot that no rule watches (most of them) never become assignments.
        state.forEachEffectiveAssignment(watched: rulesByKey.watched, selecting: selection) { assignment, matching in
            guard accepted(assignment) else { return }
            let name = assignment.key.name
            let defaultText = catalogue.defaultText(for: name, kernel: kernel)
            if skipDefaults, let defaultText, DriftCheck.same(defaultText, assignment.value) { return }
            // One context per assignment: what rules see does not depend on the rule.
            let context = EvaluationContext(
                value: SysctlValue(assignment.value), ignoreFailure: assignment.ignoreFailure, kernel: kernel,
                defaultValue: defaultText.map(SysctlValue.init), lookup: lookup, isSet: isSet, figure: figure, giveUp: giveUp)
            for position in matching {
                let compiled = ruleParts[position].compiled
                guard let condition = compiled.condition, case .bool(true)? = condition.evaluate(context) else { continue }
                findings.append(Finding(
                    rule: rules[position].id, severity: rules[position].severity, key: name, value: assignment.value,
                    location: assignment.location, message: compiled.message.render(context),
                    fix: compiled.fix?.render(context), references: rules[position].references))
            }
        }
        return findings
    }

    /// Which rules that apply to `kernel` watch a path (by its bytes and `HashSlots.hash`), nil for none; nil when no
    /// rule applies to `kernel` at all.
    func ruleSelection(kernel: KernelVersion) -> RuleSelection? {
        // By position rather than as a set: a fleet lints thousands of hosts, each hashing every rule again.
        let isActive = ruleKernels.map { $0?.contains(kernel) == true }
        guard isActive.contains(true) else { return nil }
        return { [rulesByKey] path, hash in
            let watching = rulesByKey.rules(for: path, hash: hash, among: isActive)
            // Most keys' rules all apply: their list is used as it is, not copied.
            let matching = watching.allSatisfy { isActive[$0] } ? watching : watching.filter { isActive[$0] }
            return matching.isEmpty ? nil : matching
        }
    }

    typealias RuleSelection = (UnsafeBufferPointer<UInt8>, UInt32) -> [Int]?

    /// The rows of a snapshot state taken whole that rules evaluate, in the order they do, given
    /// `ruleSelection(kernel:)` of the lint's kernel; nil when the state is not taken whole.
    func rowsRulesRead(in state: EffectiveState, selection: RuleSelection?) -> [Int]? {
        state.selectedRows(watched: rulesByKey.watched, selecting: selection ?? { _, _ in nil })?.map(\.position)
    }

    /// Built-in checks carry their rule's references, so every finding points to its sources. In place: a copy of
    /// every finding cost large files a tenth of their lint.
    private func attachReferences(_ findings: inout [Finding]) {
        // Findings come in runs of one rule: the last rule's references are reused rather than looked up again.
        var last: (rule: String, references: [String])?
        for index in findings.indices where !findings[index].hasReferences {
            let rule = findings[index].rule
            if let last, last.rule == rule {
                findings[index].references = last.references
            } else if let position = rulesByID[rule] {
                let references = knowledge.rules[position].references
                findings[index].references = references
                last = (rule, references)
            }
        }
    }
}

/// What a lint built, kept as one value when the request says so.
private struct Work: Sendable {
    let state: EffectiveState
    let request: LintRequest
}

/// The figures rules may ask for: those already computed for the report, or each computed on first use.
final class FigureMemo {
    private let calculator: FigureCalculator
    private var known: [ComputedFigure.Name: ComputedFigure?] = [:]

    /// `computed`: every figure the calculator yields (nil: none computed yet).
    init(_ calculator: FigureCalculator, computed: [ComputedFigure]?) {
        self.calculator = calculator
        guard let computed else { return }
        for name in ComputedFigure.Name.allCases { known[name] = .some(nil) }
        for figure in computed { known[figure.name] = figure }
    }

    subscript(name: ComputedFigure.Name) -> ComputedFigure? {
        if let figure = known[name] { return figure }
        let figure = calculator.figure(name)
        known[name] = .some(figure)
        return figure
    }
}

/// Which rules watch a key: exact keys by dictionary, patterns by glob match. Keeps rule order.
struct RuleKeyIndex: Sendable {
    /// Exact key paths, and the rules watching each at the same positions.
    private var exact = PathIndex()
    private var exactRules: [[Int]] = []
    /// Patterns kept as bytes, back to back in `patternBytes`, with the length of the literal text before their
    /// first wildcard: a key that does not start with it is passed over at once (every key of a snapshot is asked
    /// about). Offsets rather than arrays, so that going through them counts no references.
    private var patterns: [(start: Int, end: Int, prefixLength: Int, rule: Int)] = []
    private var patternBytes: [UInt8] = []
    /// Every path a rule may match: its exact paths and its patterns' prefixes.
    private(set) var watched = PathFilter()

    init(_ rules: [Rule]) {
        for (index, rule) in rules.enumerated() where !rule.builtin {
            for key in rule.keys.map(SysctlKey.init) {
                guard key.isGlob else {
                    if let position = exact.insert(key.path) { exactRules[position].append(index) } else { exactRules.append([index]) }
                    continue
                }
                let pattern = Array(key.path.utf8)
                let wildcard = pattern.firstIndex { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
                patterns.append((patternBytes.count, patternBytes.count + pattern.count, wildcard ?? pattern.count, index))
                patternBytes += pattern
            }
        }
        watched = PathFilter(exact: exact.paths, prefixes: patterns.map { Array(patternBytes[$0.start..<($0.start + $0.prefixLength)]) })
    }

    func rules(for path: String) -> [Int] {
        UTF8Text.withBytes(path) { rules(for: $0, hash: HashSlots.hash($0)) }
    }

    /// The rules watching the path with these bytes, whose `HashSlots.hash` is `hash`. `among`: which rules
    /// count, by position (nil: all); a pattern of a rule that does not is not matched at all (every interface's
    /// keys of every host are asked about, and a pattern that matches them copied a list for each).
    func rules(for path: UnsafeBufferPointer<UInt8>, hash: UInt32, among active: [Bool]? = nil) -> [Int] {
        var found = exact.position(of: path, hash: hash).map { exactRules[$0] } ?? []
        guard !patterns.isEmpty else { return found }
        patternBytes.withUnsafeBufferPointer { bytes in
            for entry in patterns where entry.prefixLength <= path.count && active?[entry.rule] != false {
                let pattern = UnsafeBufferPointer(rebasing: bytes[entry.start..<entry.end])
                guard UTF8Text.same(UnsafeBufferPointer(rebasing: pattern[..<entry.prefixLength]),
                                    UnsafeBufferPointer(rebasing: path[..<entry.prefixLength])) else { continue }
                if Glob.matches(pattern, path) { found.append(entry.rule) }
            }
        }
        return Self.sortedUnique(found)
    }

    /// Rule positions in order, each once: a list that already is (nearly every key's) is returned as it is,
    /// without the copy and set a sort through `Set` made for every key two rules watch.
    static func sortedUnique(_ positions: [Int]) -> [Int] {
        guard positions.count > 1 else { return positions }
        if zip(positions, positions.dropFirst()).allSatisfy({ $0 < $1 }) { return positions }
        var sorted = positions.sorted()
        var kept = 1
        for index in 1..<sorted.count where sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }
}
