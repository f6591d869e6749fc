/// The key paths something watches: exact paths, and the literal text before the first wildcard of each pattern.
/// A snapshot's state finds the few rows a rule set watches by looking these up, rather than asking about each of
/// its tens of thousands of rows (`EffectiveState.forEachEffectiveAssignment(watched:selecting:_:)`).
struct PathFilter: Sendable {
    var exact: [String] = []
    var prefixes: [[UInt8]] = []
}
