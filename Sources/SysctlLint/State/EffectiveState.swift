/// Which value wins for each key once every file is read in order, and which assignments lost.
///
/// Both reference loaders agree on the winner for well-formed input: the last assignment of a key wins (procps 4
/// writes every one in order; systemd keeps only the last), and an explicit key beats any glob, whatever the
/// order or file. Where they disagree (an exclusion after an assignment) the linter reports it.
public struct EffectiveState: Sendable {
    /// An explicit key's winning assignment and the ones it overrode, oldest first.
    public struct Setting: Sendable {
        public var winner: Assignment
        public var overridden: [Assignment]
    }

    /// Explicit (non-glob) keys' winning assignments, in the order each key was first written.
    public private(set) var winners: [Assignment] = []
    /// The assignments each winner overrode, oldest first, by the winner's position; most keys have none.
    private var losers: [Int: [Assignment]] = [:]
    /// Glob assignments in file order; each applies to the keys it matches that no explicit setting names.
    public private(set) var globs: [Assignment] = []
    public private(set) var exclusions: [Exclusion] = []
    /// The bytes of every glob's path together, kept as globs are added.
    private(set) var globBytes = 0
    /// Winners by key path, at the same positions.
    private var index = PathIndex()
    private var fileOrder: [String] = []

    /// Explicit settings in the order their winners were written: each winner with what it overrode.
    public var settings: [Setting] {
        winners.indices.map { Setting(winner: winners[$0], overridden: losers[$0] ?? []) }
    }

    /// Positions of the winners that overrode something, in order.
    var overriddenPositions: [Int] { losers.keys.sorted() }

    /// The assignments the winner at `position` overrode, oldest first.
    func overridden(at position: Int) -> [Assignment] { losers[position] ?? [] }

    public init(files: [ParsedFile] = []) {
        fileOrder = files.map(\.path)
        let statements = files.reduce(0) { $0 + $1.statements.count }
        index = PathIndex(capacity: statements)
        winners.reserveCapacity(statements)
        for file in files {
            for statement in file.statements {
                switch statement {
                case .assignment(let assignment): add(assignment)
                case .exclusion(let exclusion): exclusions.append(exclusion)
                case .comment: break
                }
            }
        }
    }

    /// A running kernel's values. When no key repeats and none is a glob, as in any real snapshot, the
    /// snapshot's assignments and index are the state as they stand: shared, not copied, and not visited again.
    public init(runtime: RuntimeSnapshot) {
        fileOrder = [runtime.source]
        if !runtime.needsResolving {
            winners = runtime.assignments
            index = runtime.index
            return
        }
        index = PathIndex(capacity: runtime.assignments.count)
        winners.reserveCapacity(runtime.assignments.count)
        for assignment in runtime.assignments { add(assignment) }
    }

    private mutating func add(_ assignment: Assignment) {
        let key = assignment.key
        if key.isGlob {
            globs.append(assignment)
            globBytes = globBytes.saturatingAdd(key.path.utf8.count)
            return
        }
        // One hash per assignment: a new key (the common case) is inserted by the same lookup that finds a repeat.
        if let position = index.insert(key.path) {
            losers[position, default: []].append(winners[position])
            winners[position] = assignment
        } else {
            winners.append(assignment)
        }
    }

    /// At most this many key × glob comparisons per check: real files hold a handful of globs, and a file made of
    /// 20,000 globs and 20,000 keys would otherwise take minutes. Checks that would exceed it say so and stop.
    public static let globComparisonLimit = 2_000_000

    /// Whether comparing `keys` keys with every glob stays within `globComparisonLimit`.
    public func globComparisonsFit(keys: Int) -> Bool {
        let (product, overflow) = keys.multipliedReportingOverflow(by: globs.count)
        return !overflow && product <= Self.globComparisonLimit && globBytes <= Self.globBytesLimit
    }

    /// Globs longer than any real key pattern, together: comparing them costs their length for every key.
    public static let globBytesLimit = 64 * 1024

    /// Every assignment that takes effect: explicit winners, then globs.
    public var effectiveAssignments: [Assignment] { winners + globs }

    /// The same, without gathering them into an array first (a snapshot holds tens of thousands).
    public func forEachEffectiveAssignment(_ body: (Assignment) -> Void) {
        for winner in winners { body(winner) }
        for glob in globs { body(glob) }
    }

    /// The assignment that decides `name` (a dotted or slash key): the explicit one, else the last glob that
    /// matches it and is not excluded.
    public func assignment(for name: String) -> Assignment? {
        let path = SysctlKey(name).path
        if let position = index.position(of: path) { return winners[position] }
        if exclusions.contains(where: { $0.key.path == path }) { return nil }
        guard globBytes <= Self.globBytesLimit else { return nil }  // said once, by the glob check
        return globs.last { Glob.matches($0.key.path, path) }
    }

    /// Exclusions that come after an assignment of the same key: systemd drops the key, procps writes it.
    public var assignmentsLaterExcluded: [(Assignment, Exclusion)] {
        exclusions.compactMap { exclusion in
            guard let position = index.position(of: exclusion.key.path) else { return nil }
            let winner = winners[position]
            return precedes(winner.location, exclusion.location) ? (winner, exclusion) : nil
        }
    }

    /// Whether `a` is applied before `b`: files in the order given, lines in order within a file.
    func precedes(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
        if a.file == b.file { return a.line < b.line }
        return (fileOrder.firstIndex(of: a.file) ?? 0) < (fileOrder.firstIndex(of: b.file) ?? 0)
    }
}
