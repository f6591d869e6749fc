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

    /// Explicit (non-glob) keys' winning assignments, in the order each key was first written. For a snapshot's
    /// values taken whole, each call makes them all: the linter visits them through `forEachEffectiveAssignment`.
    public var winners: [Assignment] {
        guard let taken else { return explicit }
        return (0..<taken.table.count).map { taken.table.assignment(at: $0, source: taken.source) }
    }
    /// The winners, unless the state is a snapshot's values taken whole.
    private var explicit: [Assignment] = []
    /// A snapshot's values, when no key repeats and none is a glob (as in any real snapshot): the state is its rows
    /// as they stand, and an assignment is made only for a row something asks about.
    private var taken: (table: SnapshotTable, source: String, index: HashSlots)?
    /// Every overridden assignment with its winner's position, in the order they were overridden: one flat list
    /// rather than a dictionary of arrays, one for each key that repeats.
    private var overrides: [(winner: Int, loser: Assignment)] = []
    /// Whether any assignment was overridden by a later one.
    var hasOverrides: Bool { !overrides.isEmpty }
    /// Glob assignments in file order; each applies to the keys it matches that no explicit setting names.
    public private(set) var globs: [Assignment] = []
    public private(set) var exclusions: [Exclusion] = []
    /// The bytes of every glob's path together, kept as globs are added.
    private(set) var globBytes = 0
    /// Winners by key path, at the same positions (unless taken from a snapshot, which has its own index).
    private var index = PathIndex()
    private var fileOrder: [String] = []
    /// When set, every key looked up by name is written down (see `StateReads`).
    var reads: StateReads?

    /// Explicit settings in the order their winners were written: each winner with what it overrode.
    public var settings: [Setting] {
        var losers: [Int: [Assignment]] = [:]
        for (winner, loser) in overrides { losers[winner, default: []].append(loser) }  // each winner's oldest first
        return winners.indices.map { Setting(winner: winners[$0], overridden: losers[$0] ?? []) }
    }

    /// Whether two inputs have one name (as the report's order compares names): findings about them can then tie
    /// on file, line, column and rule, and keep the order they were made in.
    var inputsShareNames: Bool { Set(fileOrder).count < fileOrder.count }

    /// The overridden assignments, each with its winner's position. `byWinner`: by the winner's position, each
    /// winner's oldest first, the order findings about them have always been made in, which decides the order of
    /// findings that tie (placed by a counting sort, in time linear in the overrides). Otherwise in the order they
    /// were overridden, close to the input's, so that a large file's assignments are read in the order they lie in
    /// memory: by winner, each was a cache and TLB miss.
    func forEachOverride(byWinner: Bool, _ body: (_ winner: Int, _ loser: Assignment) -> Void) {
        guard byWinner else {
            for (winner, loser) in overrides { body(winner, loser) }
            return
        }
        guard !overrides.isEmpty else { return }
        var starts = [Int](repeating: 0, count: winnerCount + 1)
        for entry in overrides { starts[entry.winner + 1] += 1 }
        for position in 0..<winnerCount { starts[position + 1] += starts[position] }
        var ordered = [Int](repeating: 0, count: overrides.count)
        for (index, entry) in overrides.enumerated() {
            ordered[starts[entry.winner]] = index
            starts[entry.winner] += 1
        }
        for index in ordered {
            let (winner, loser) = overrides[index]
            body(winner, loser)
        }
    }

    public init(files: [ParsedFile] = []) {
        fileOrder = files.map(\.path)
        let statements = files.reduce(0) { $0 + $1.statements.count }
        // Room for a few thousand keys, growing past them: sized for every statement, a file that sets a few keys
        // many times cleared and touched megabytes of slots it never used.
        index = PathIndex(capacity: min(statements, 1 << 12))
        explicit.reserveCapacity(statements)
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
    /// snapshot's rows are the state as they stand (shared, not copied), with their paths indexed once.
    public init(runtime: RuntimeSnapshot) {
        fileOrder = [runtime.source]
        if let index = runtime.table.uniqueIndex() {
            taken = (runtime.table, runtime.source, index)
            return
        }
        index = PathIndex(capacity: runtime.count)
        explicit.reserveCapacity(runtime.count)
        for assignment in runtime.assignments { add(assignment) }
    }

    /// How many explicit keys are set.
    public var winnerCount: Int { taken?.table.count ?? explicit.count }

    /// The winner at `position` (below `winnerCount`).
    public func winner(at position: Int) -> Assignment {
        guard let taken else { return explicit[position] }
        return taken.table.assignment(at: position, source: taken.source)
    }

    /// The position of the winner for `path`, or nil.
    private func position(ofPath path: String) -> Int? {
        guard let taken else { return index.position(of: path) }
        return taken.table.position(of: path, in: taken.index)
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
            overrides.append((position, explicit[position]))
            explicit[position] = assignment
        } else {
            explicit.append(assignment)
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
        for position in 0..<winnerCount { body(winner(at: position)) }
        for glob in globs { body(glob) }
    }

    /// The same for the assignments `select` picks by their path's bytes and `HashSlots.hash`, with what it said
    /// of each. `select` picks nothing outside `watched`: a snapshot's rows are found through it, and become
    /// assignments only when picked.
    func forEachEffectiveAssignment<Selection>(watched: PathFilter, selecting select: (UnsafeBufferPointer<UInt8>, UInt32) -> Selection?,
                                               _ body: (Assignment, Selection) -> Void) {
        func visit(_ assignment: Assignment) {
            let selection = UTF8Text.withBytes(assignment.key.path) { select($0, HashSlots.hash($0)) }
            if let selection { body(assignment, selection) }
        }
        if let taken, let rows = selectedRows(watched: watched, selecting: select) {
            for (position, selection) in rows { body(taken.table.assignment(at: position, source: taken.source), selection) }
        } else {
            for winner in explicit { visit(winner) }
        }
        for glob in globs { visit(glob) }
    }

    /// The rows `select` picks, with what it said of each, when the state is a snapshot's values taken whole (which
    /// has no globs); else nil. These are the rows `forEachEffectiveAssignment(watched:selecting:_:)` visits, and
    /// all a fleet memo compares of them (`FleetLintMemo`).
    func selectedRows<Selection>(watched: PathFilter, selecting select: (UnsafeBufferPointer<UInt8>, UInt32) -> Selection?)
        -> [(position: Int, selection: Selection)]? {
        guard let taken else { return nil }
        return taken.table.positions(watched, index: taken.index).compactMap { position in
            taken.table.withPath(at: position, select).map { (position, $0) }
        }
    }

    /// What decides a row of a snapshot taken whole, as bytes (see `SnapshotTable.appendIdentity`).
    func appendIdentity(ofRow position: Int, lineBase: Int, to signature: inout [UInt8]) {
        taken?.table.appendIdentity(of: position, lineBase: lineBase, to: &signature)
    }

    /// Whether both states are snapshots taken whole with the same paths in the same order (see
    /// `SnapshotTable.hasSamePaths`).
    func hasSamePaths(as other: EffectiveState) -> Bool {
        guard let taken, let otherTaken = other.taken, globs.isEmpty, other.globs.isEmpty else { return false }
        return taken.table.hasSamePaths(as: otherTaken.table)
    }

    /// About the memory of a snapshot taken whole (0 for any other state).
    var snapshotBytes: Int {
        guard let taken else { return 0 }
        return taken.table.bytes.count.saturatingAdd(taken.table.count.saturatingMultiply(MemoryLayout<SnapshotTable.Row>.stride))
    }

    /// The line of a row of a snapshot taken whole.
    func line(ofRow position: Int) -> Int? { taken?.table.rows[position].line }

    /// What decides the assignment of the key at `path` in a snapshot taken whole, its line counted from `lineBase`
    /// (see `SnapshotTable.appendIdentity`); nil when it has none. Not written down in `reads`: this is how a
    /// recorded read is checked again.
    func identity(ofPath path: String, lineBase: Int) -> [UInt8]? {
        guard let taken, let position = taken.table.position(of: path, in: taken.index) else { return nil }
        var identity: [UInt8] = []
        taken.table.appendIdentity(of: position, lineBase: lineBase, to: &identity)
        return identity
    }

    /// The assignment that decides `name` (a dotted or slash key): the explicit one, else the last glob that
    /// matches it and is not excluded.
    public func assignment(for name: String) -> Assignment? {
        let path = SysctlKey(name).path
        reads?.paths.append(path)
        if let position = position(ofPath: path) { return winner(at: position) }
        if exclusions.contains(where: { $0.key.path == path }) { return nil }
        guard globBytes <= Self.globBytesLimit else { return nil }  // said once, by the glob check
        return globs.last { Glob.matches($0.key.path, path) }
    }

    /// Exclusions that come after an assignment of the same key: systemd drops the key, procps writes it.
    public var assignmentsLaterExcluded: [(Assignment, Exclusion)] {
        exclusions.compactMap { exclusion in
            guard let position = position(ofPath: exclusion.key.path) else { return nil }
            let winner = winner(at: position)
            return precedes(winner.location, exclusion.location) ? (winner, exclusion) : nil
        }
    }

    /// Whether `a` is applied before `b`: files in the order given, lines in order within a file.
    func precedes(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
        if a.file == b.file { return a.line < b.line }
        return (fileOrder.firstIndex(of: a.file) ?? 0) < (fileOrder.firstIndex(of: b.file) ?? 0)
    }
}

/// The keys a lint looked up by name (`EffectiveState.assignment(for:)`), by path, in order and with repeats: with
/// the rows rules watch, all a lint of a running kernel's values reads of them (`FleetLintMemo`). A class, so that
/// the copies of the state a lint hands around write to one list; it is filled by one lint on one thread.
final class StateReads: @unchecked Sendable {
    var paths: [String] = []
}
