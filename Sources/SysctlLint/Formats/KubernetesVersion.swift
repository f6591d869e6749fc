/// A Kubernetes minor release, and what its kubelet allows pods to set without `allowedUnsafeSysctls`: the safe set
/// of pkg/kubelet/sysctl/safe_sysctls.go, which has grown by release, some keys only on nodes whose kernel makes
/// them per network namespace.
public struct KubernetesVersion: Sendable, Comparable, CustomStringConvertible, Hashable {
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `1.29`, `v1.29` or `1.29.3`.
    public init?(_ text: String) {
        let parts = (text.hasPrefix("v") ? String(text.dropFirst()) : text).split(separator: ".")
        guard parts.count >= 2, parts.count <= 3, let major = Int(parts[0]), let minor = Int(parts[1]),
              (1...9).contains(major), (0...999).contains(minor) else { return nil }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: KubernetesVersion, rhs: KubernetesVersion) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }

    /// One key of the safe set: the first release that lists it and the kernel it needs.
    public struct SafeSysctl: Sendable {
        public var name: String
        public var since: KubernetesVersion
        /// The node kernel from which the key is per network namespace; older nodes treat it as unsafe.
        public var minimumKernel: KernelVersion?
    }

    /// The safe set, in the order safe_sysctls.go lists it (kubernetes/kubernetes pkg/kubelet/sysctl/safe_sysctls.go;
    /// before 1.25 the PodSecurityPolicy package held it; kernel gates from pkg/util/kernel/constants.go).
    public static let safeSysctls: [SafeSysctl] = [
        SafeSysctl(name: "kernel.shm_rmid_forced", since: KubernetesVersion(1, 11)),
        SafeSysctl(name: "net.ipv4.ip_local_port_range", since: KubernetesVersion(1, 11)),
        SafeSysctl(name: "net.ipv4.tcp_syncookies", since: KubernetesVersion(1, 11)),
        SafeSysctl(name: "net.ipv4.ping_group_range", since: KubernetesVersion(1, 18)),
        SafeSysctl(name: "net.ipv4.ip_unprivileged_port_start", since: KubernetesVersion(1, 22)),
        SafeSysctl(name: "net.ipv4.ip_local_reserved_ports", since: KubernetesVersion(1, 27), minimumKernel: KernelVersion(3, 16)),
        SafeSysctl(name: "net.ipv4.tcp_keepalive_time", since: KubernetesVersion(1, 29), minimumKernel: KernelVersion(4, 5)),
        SafeSysctl(name: "net.ipv4.tcp_fin_timeout", since: KubernetesVersion(1, 29), minimumKernel: KernelVersion(4, 6)),
        SafeSysctl(name: "net.ipv4.tcp_keepalive_intvl", since: KubernetesVersion(1, 29), minimumKernel: KernelVersion(4, 5)),
        SafeSysctl(name: "net.ipv4.tcp_keepalive_probes", since: KubernetesVersion(1, 29), minimumKernel: KernelVersion(4, 5)),
        SafeSysctl(name: "net.ipv4.tcp_rmem", since: KubernetesVersion(1, 32), minimumKernel: KernelVersion(4, 15)),
        SafeSysctl(name: "net.ipv4.tcp_wmem", since: KubernetesVersion(1, 32), minimumKernel: KernelVersion(4, 15)),
    ]

    /// The newest release the safe set above was checked against: the default of `--kubernetes`.
    public static let newest = KubernetesVersion(1, 36)
    /// The oldest release with sysctls in the pod API.
    public static let oldest = KubernetesVersion(1, 11)

    public func safe(_ key: String) -> SafeSysctl? {
        Self.safeSysctls.first { $0.name == key && $0.since <= self }
    }

    public static func firstSafe(_ key: String) -> KubernetesVersion? {
        safeSysctls.first { $0.name == key }?.since
    }

    /// The namespaces a pod can set sysctls in (pkg/kubelet/sysctl namespace rules): IPC (`kernel.shm*`,
    /// `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) and network (`net.*`); nil for a node-level key.
    public enum Namespace: Sendable { case ipc, network }

    public static func namespace(of key: String) -> Namespace? {
        if key.hasPrefix("net.") { return .network }
        if key.hasPrefix("kernel.shm") || key.hasPrefix("kernel.msg") || key == "kernel.sem" || key.hasPrefix("fs.mqueue.") { return .ipc }
        return nil
    }
}
