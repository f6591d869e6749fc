/// The key paths something watches: exact paths, and the literal text before the first wildcard of each pattern.
/// A snapshot's state finds the few rows a rule set watches by looking these up, rather than asking about each of
/// its tens of thousands of rows (`EffectiveState.forEachEffectiveAssignment(watched:selecting:_:)`).
struct PathFilter: Sendable {
    var exact: [String] = [] {
        didSet { exactHashes = exact.map(HashSlots.hash) }
    }
    /// `HashSlots.hash` of each exact path, at the same positions: hashed once, looked up for every snapshot.
    private(set) var exactHashes: [UInt32] = []
    var prefixes: [[UInt8]] = []

    init(exact: [String] = [], prefixes: [[UInt8]] = []) {
        self.exact = exact
        exactHashes = exact.map(HashSlots.hash)
        self.prefixes = prefixes
    }
}
