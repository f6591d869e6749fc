/// What a new network namespace (a container's, a pod's) starts from, per key: most TCP keys have been per
/// namespace since a release that differs by key, and a new namespace takes the compiled default, not the host's
/// value; a few are copied from the host when the namespace is created, derived from the hash table size, or stay
/// global. Read in the release trees (net/ipv4/sysctl_net_ipv4.c `ipv4_net_table` against `ipv4_table`;
/// net/ipv4/tcp_ipv4.c `tcp_sk_init()` and `tcp_set_hashinfo()`; net/ipv4/af_inet.c `inet_init_net()`;
/// net/core/net_namespace.c `preinit_net_sysctl()`), 3.10 to 6.18.
public enum NamespaceModel {
    public enum Start: Sendable, Equatable {
        /// The kernel's compiled value, whatever the host set.
        case compiledDefault(String)
        /// A copy of the host's value when the namespace is created; later host changes do not reach it.
        case copiedFromHost
        /// Computed by the kernel (from the size of the connection hash table).
        case derived(String)
    }

    public struct Key: Sendable {
        public var name: String
        /// The first release where the key is per network namespace; before it, the host's value applies everywhere.
        /// 3.10 is the oldest release read: for `somaxconn` it means "3.10 or earlier".
        public var since: KernelVersion
        public var start: Start
    }

    public static let keys: [Key] = [
        Key(name: "net.ipv4.tcp_keepalive_time", since: KernelVersion(4, 5), start: .compiledDefault("7200")),
        Key(name: "net.ipv4.tcp_keepalive_intvl", since: KernelVersion(4, 5), start: .compiledDefault("75")),
        Key(name: "net.ipv4.tcp_keepalive_probes", since: KernelVersion(4, 5), start: .compiledDefault("9")),
        Key(name: "net.ipv4.tcp_retries1", since: KernelVersion(4, 6), start: .compiledDefault("3")),
        Key(name: "net.ipv4.tcp_retries2", since: KernelVersion(4, 6), start: .compiledDefault("15")),
        Key(name: "net.ipv4.tcp_syn_retries", since: KernelVersion(4, 6), start: .compiledDefault("6")),
        Key(name: "net.ipv4.tcp_synack_retries", since: KernelVersion(4, 6), start: .compiledDefault("5")),
        Key(name: "net.ipv4.tcp_orphan_retries", since: KernelVersion(4, 6), start: .compiledDefault("0")),
        Key(name: "net.ipv4.tcp_fin_timeout", since: KernelVersion(4, 6), start: .compiledDefault("60")),
        Key(name: "net.ipv4.tcp_syncookies", since: KernelVersion(4, 6), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_tw_reuse", since: KernelVersion(4, 10), start: .compiledDefault("2 (0 before 4.18)")),
        Key(name: "net.ipv4.tcp_max_tw_buckets", since: KernelVersion(4, 11), start: .derived("half the connection hash table")),
        Key(name: "net.ipv4.tcp_max_syn_backlog", since: KernelVersion(4, 11), start: .derived("max(128, hash table / 128)")),
        Key(name: "net.ipv4.tcp_timestamps", since: KernelVersion(4, 13), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_sack", since: KernelVersion(4, 13), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_window_scaling", since: KernelVersion(4, 13), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_slow_start_after_idle", since: KernelVersion(4, 15), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_fastopen", since: KernelVersion(4, 15), start: .compiledDefault("1")),
        Key(name: "net.ipv4.tcp_rmem", since: KernelVersion(4, 15), start: .copiedFromHost),
        Key(name: "net.ipv4.tcp_wmem", since: KernelVersion(4, 15), start: .copiedFromHost),
        Key(name: "net.ipv4.ip_local_port_range", since: KernelVersion(3, 13), start: .compiledDefault("32768 60999")),
        Key(name: "net.ipv4.ip_local_reserved_ports", since: KernelVersion(3, 16), start: .compiledDefault("empty")),
        Key(name: "net.core.somaxconn", since: KernelVersion(3, 10), start: .compiledDefault("4096 (128 before 5.4)")),
        Key(name: "net.ipv4.tcp_syn_linear_timeouts", since: KernelVersion(6, 5), start: .compiledDefault("4")),
        Key(name: "net.ipv4.tcp_tw_reuse_delay", since: KernelVersion(6, 14), start: .compiledDefault("1000")),
    ]

    /// Keys that stay global (one value for the whole host, not visible inside a container's namespace).
    public static let global: Set<String> = ["net.ipv4.tcp_mem", "net.ipv4.tcp_max_orphans"]

    /// How a new namespace gets `key` on `kernel`; nil when the key is not per namespace there.
    public static func start(of key: String, on kernel: KernelVersion) -> Start? {
        perNamespace(key, on: kernel)?.start
    }

    /// The entry of `key` when it is per network namespace on `kernel`.
    static func perNamespace(_ key: String, on kernel: KernelVersion) -> Key? {
        keys.first { $0.name == key && kernel >= $0.since }
    }

    /// For a run that checks node configuration and containers together: the node's settings of per-namespace
    /// keys that its containers do not see (they start from the compiled default or a derived value).
    public static func unreached(in files: [ParsedFile], kernel: KernelVersion) -> [Finding] {
        files.flatMap(\.assignments).compactMap { assignment in
            let name = assignment.key.name
            guard let key = perNamespace(name, on: kernel) else { return nil }
            let start: String
            switch key.start {
            case .compiledDefault(let value): start = "the compiled default (\(value))"
            case .derived(let rule): start = "a value the kernel derives (\(rule))"
            case .copiedFromHost: return nil
            }
            return Finding(rule: "host-tuning-not-in-containers", severity: .info, key: name, value: assignment.value,
                           location: assignment.location,
                           message: "\(name) is per network namespace since Linux \(key.since)\(key.since == KernelVersion(3, 10) ? " or earlier" : ""): the containers and pods checked with this node start from \(start), not from \(assignment.value); set it in the pod (securityContext.sysctls) or the service (sysctls:) if it is meant for them",
                           fix: "set the value where the containers are defined, or leave the node's value for the node's own processes")
        }
    }
}
