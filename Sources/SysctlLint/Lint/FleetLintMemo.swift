/// Lints the hosts of a fleet export, each distinct state once: hosts of one role hold the same values in the keys
/// that matter, and linting each again was the largest part of a fleet host's cost.
///
/// What a lint of a running kernel's values (no configuration) sees of a host is the rows its rules watch, the keys
/// it looks up by name (rule expressions' `key()` and `is_set()`, and the figures' inputs, all through
/// `EffectiveState.assignment(for:)`), and the kernel. The first host of a state is linted with its reads written
/// down (`StateReads`). A later host gets that host's findings, moved to its own lines and host name, only when its
/// watched rows are the same (paths, spellings, values, files, and lines the same distance apart), every key the
/// first lint read is the same row in the same sense (or is missing in both), and the kernel is the same. A lint is
/// a function of those alone, so the lint would have read the same keys and found the same. Keys nothing reads
/// (counters, `kernel.random.boot_id`, a host's name) may differ.
///
/// Anything else is linted as it comes: a host with notes (lines that could not be read), one whose keys repeat,
/// requests with configuration files, and a state whose findings are not all at its watched rows.
public struct FleetLintMemo {
    private let linter: Linter
    private var entries: [Entry] = []
    private var bytesHeld = 0

    /// At most this many distinct states, holding at most this many bytes together (the rows and reads that tell
    /// them apart, and their findings): a fleet of all-different hosts is linted host by host once they are
    /// reached, as without a memo, and a state whose findings alone pass the budget is not kept.
    public static let entryLimit = 64, byteLimit = 4 * 1024 * 1024

    /// What one state's first host was, and what its lint found.
    private struct Entry {
        let hash: UInt64
        /// The watched rows' identities (`SnapshotTable.appendIdentity`), after the release text.
        let signature: [UInt8]
        /// Each key the lint looked up by name, once, with the identity of its row (nil: missing).
        let reads: [(path: String, identity: [UInt8]?)]
        let lineBase: Int
        let constants: Constants
        let result: LintResult
    }

    /// The parts of a request that are not the host's values; equal across one fleet's requests.
    private struct Constants: Equatable {
        let source: String
        let kernel: KernelVersion?
        let hostKernel: KernelVersion?
        let isComplete: Bool
    }

    public init(_ linter: Linter) { self.linter = linter }

    /// How many hosts were given an earlier host's findings (for tests and measurements).
    public private(set) var hits = 0

    /// `linter.lint(request)`, from an earlier host's lint when the request's host has its state.
    public mutating func lint(_ request: LintRequest) -> LintResult {
        guard let runtime = request.runtime, request.config.isEmpty, request.findings.isEmpty, !request.reportsFigures,
              !request.keepsWorkUntilExit, runtime.notes.isEmpty else { return linter.lint(request) }
        var state = EffectiveState(runtime: runtime)
        guard let watched = rowsRulesRead(in: state, kernel: request.targetKernel(snapshotKernel: runtime.kernel)) else {
            return linter.lint(request, runtimeState: state)
        }
        let lineBase = watched.first.flatMap(state.line(ofRow:)) ?? 0
        var signature = Array((runtime.release ?? "").utf8)
        signature.append(0)
        for position in watched { state.appendIdentity(ofRow: position, lineBase: lineBase, to: &signature) }
        let hash = signature.withUnsafeBufferPointer(PathHash.hash)
        let constants = Constants(source: runtime.source, kernel: request.kernel, hostKernel: request.hostKernel,
                                  isComplete: runtime.isComplete)
        for entry in entries where entry.hash == hash && entry.signature == signature && entry.constants == constants {
            guard entry.reads.allSatisfy({ state.identity(ofPath: $0.path, lineBase: lineBase) == $0.identity }) else { continue }
            hits += 1
            return moved(entry.result, lines: lineBase &- entry.lineBase, host: runtime.host)
        }
        guard entries.count < Self.entryLimit, bytesHeld < Self.byteLimit else { return linter.lint(request, runtimeState: state) }
        let reads = StateReads()
        state.reads = reads
        let result = linter.lint(request, runtimeState: state)
        state.reads = nil
        // Findings are moved with their rows: one anywhere else (none today) leaves this state unkept.
        let rowLines = Set(watched.compactMap(state.line(ofRow:)))
        guard result.findings.allSatisfy({ finding in
            finding.location.map { $0.file == runtime.source && $0.column == 1 && rowLines.contains($0.line) } ?? false
        }), result.suppressed.isEmpty else { return result }
        var seen = Set<String>()
        let values = reads.paths.filter { seen.insert($0).inserted }.map { ($0, state.identity(ofPath: $0, lineBase: lineBase)) }
        let size = values.reduce(signature.count.saturatingAdd(Self.bytes(of: result.findings))) {
            $0.saturatingAdd($1.0.utf8.count + ($1.1?.count ?? 0))
        }
        guard bytesHeld.saturatingAdd(size) <= Self.byteLimit else { return result }
        bytesHeld += size
        entries.append(Entry(hash: hash, signature: signature, reads: values, lineBase: lineBase, constants: constants, result: result))
        return result
    }

    /// The last host's state and kernel, and the rows rules read in it: a fleet's hosts mostly list the same keys
    /// in the same order, and which rows rules read follows from the paths and the kernel alone.
    private var last: (state: EffectiveState, kernel: KernelVersion, rows: [Int])?
    /// Which rules watch a path, for the last kernel asked about (made from every rule's kernel range).
    private var selection: (kernel: KernelVersion, select: Linter.RuleSelection?)?

    private mutating func rowsRulesRead(in state: EffectiveState, kernel: KernelVersion) -> [Int]? {
        if let last, last.kernel == kernel, state.hasSamePaths(as: last.state) { return last.rows }
        if selection?.kernel != kernel { selection = (kernel, linter.ruleSelection(kernel: kernel)) }
        guard let rows = linter.rowsRulesRead(in: state, selection: selection?.select) else { return nil }
        // Kept only while small: it holds the host's whole table, besides the one being read.
        last = state.snapshotBytes <= Self.byteLimit ? (state, kernel, rows) : nil
        return rows
    }

    /// About what a state's findings hold: the text each made for itself, and its box. References are the rules'
    /// own lists, shared.
    private static func bytes(of findings: [Finding]) -> Int {
        findings.reduce(0) { total, finding in
            total.saturatingAdd(160 + finding.message.utf8.count + (finding.fix?.utf8.count ?? 0)
                + (finding.key?.utf8.count ?? 0) + (finding.value?.utf8.count ?? 0))
        }
    }

    /// An earlier host's result as this host's: its findings `lines` further down and named for `host`.
    private func moved(_ earlier: LintResult, lines: Int, host: String?) -> LintResult {
        var result = earlier
        result.host = host
        result.findings = earlier.findings.map { $0.moved(lines: lines, host: host) }
        return result
    }
}
