/// What the kernel model knows about one key: its type, bounds and default per kernel version, and the versions
/// in which it appeared or went away. Loaded from `rules/kernel/parameters.yaml`.
public struct Parameter: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// One integer.
        case integer
        /// An integer read as on/off (any value the handler accepts).
        case boolean
        /// A fixed number of integers (`fields`), such as `tcp_rmem` or `ip_local_port_range`.
        case vector
        /// Free text, stored as written (inline `# text` included).
        case string
    }

    /// A default: a literal value, or a formula the kernel computes at boot (from memory or CPUs).
    public enum Default: Sendable, Hashable {
        case value(String)
        case formula(String)
    }

    /// Bounds the kernel enforces on each field; a write outside them fails with EINVAL.
    public struct Bounds: Sendable, Hashable {
        public var min: Int?
        public var max: Int?
    }

    /// A fact that holds from a kernel version on (nil: from the oldest version the model knows).
    public struct Versioned<Value: Sendable & Hashable>: Sendable, Hashable {
        public var from: KernelVersion?
        public var value: Value
    }

    /// The dotted key; `*` stands for one path component (an interface or device name).
    public var key: String
    public var kind: Kind
    public var fields: Int
    public var unit: String?
    public var summary: String
    public var since: KernelVersion?
    public var removed: KernelVersion?
    public var defaults: [Versioned<Default>]
    public var bounds: [Versioned<Bounds>]
    /// Where the key lives only when a module is loaded (conntrack, bridge): absent keys are not typos.
    public var module: String?
    /// Kernels that carry the key although mainline Linux never had it (a distribution or scheduler patch).
    public var vendor: String?
    /// Mode 0444 in every kernel: a write fails with a permission error even as root.
    public var readOnly: Bool = false
    /// The releases (and source) in which the version-dependent facts above were read: every `since`, `removed`,
    /// bound and per-version default carries one, so that a reader can check it.
    public var verified: String?
    /// Line in the catalogue, for messages about the catalogue itself.
    public var line: Int

    /// Whether a mainline kernel of this version has the key (vendor keys: never).
    public func exists(in kernel: KernelVersion) -> Bool {
        vendor == nil && KernelRange(from: since, until: removed).contains(kernel)
    }

    public func defaultValue(for kernel: KernelVersion) -> Default? { Self.pick(defaults, for: kernel) }

    public func bounds(for kernel: KernelVersion) -> Bounds? { Self.pick(bounds, for: kernel) }

    static func pick<Value>(_ entries: [Versioned<Value>], for kernel: KernelVersion) -> Value? {
        entries.last { $0.from.map { $0 <= kernel } ?? true }?.value
    }
}
