/// Values that live until the process exits. A one-shot command does not free what it built object by object just
/// before exit: releasing the rules and the catalogue (thousands of small objects) cost a typical run more than
/// linting its file, and releasing a 64,000-key state a tenth of a snapshot's run. Like clang's `-disable-free`,
/// the exit reclaims them. Never for work that repeats in one process (a fleet's hosts), which would then grow.
public enum ProcessLifetime {
    private final class Box<Value: Sendable>: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    public static func keep(_ value: some Sendable) {
        _ = Unmanaged.passRetained(Box(value))
    }
}
