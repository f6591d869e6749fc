/// Why the kernel refuses a write with EINVAL, as the target release's handler decides it.
public struct Rejection: Sendable, Hashable {
    /// What is wrong with the value, e.g. "0 is outside 1..127, the range Linux 6.18 accepts for …".
    public var reason: String
    public var fix: String
}

/// Judges each assignment as the target kernel's sysctl handler would: a value it rejects never takes effect, so
/// it is reported as an error and never feeds a figure or a hazard rule (the kernel keeps the value it had).
///
/// Handlers: `proc_dointvec` and friends refuse text that is not a number; `_minmax` handlers refuse values
/// outside `extra1..extra2` (the catalogue's `range` per release); `ipv4_local_port_range()` and
/// `ipv4_privileged_ports()` (`net/ipv4/sysctl_net_ipv4.c`, 4.11+) refuse a port range that ends before it starts
/// or starts below `ip_unprivileged_port_start`, and an unprivileged start above the range's start, each judged
/// against the other key's value at the moment of the write.
struct WriteCheck: Sendable {
    let state: EffectiveState
    let catalogue: ParameterCatalogue
    let kernel: KernelVersion

    static let portRange = "net.ipv4.ip_local_port_range"
    static let reservedPorts = "net.ipv4.ip_local_reserved_ports"
    static let unprivilegedStart = "net.ipv4.ip_unprivileged_port_start"
    /// Both keys' checks exist since `ip_unprivileged_port_start` arrived (commit 4548b683b781).
    static let unprivilegedStartSince = KernelVersion(4, 11)
    static let defaultUnprivilegedStart = 1024

    /// The rejection of an assignment, if the kernel refuses it; nil for accepted values and for keys the model
    /// has no handler facts for.
    func rejection(of assignment: Assignment) -> Rejection? {
        guard !assignment.key.isGlob, let parameter = catalogue.parameter(for: assignment.key.name),
              parameter.vendor == nil, !parameter.readOnly, parameter.exists(in: kernel),
              !assignment.value.isEmpty, !assignment.value.hasPrefix("=")
        else { return nil }
        if assignment.key.name == Self.reservedPorts {
            return PortList(assignment.value) == nil
                ? Rejection(reason: "'\(assignment.value)' is not a list of ports and ranges from 0 to 65535 (such as 8080,9000-9100)",
                            fix: "write ports and first-last ranges separated by commas")
                : nil
        }
        guard parameter.kind != .string else { return nil }
        let value = SysctlValue(assignment.value)
        let name = assignment.key.name
        let wanted = parameter.kind == .vector ? parameter.fields : 1
        guard let numbers = value.integers(count: Swift.min(wanted, value.fields.count)) else {
            return Rejection(reason: "'\(assignment.value)' is not \(wanted == 1 ? "a number" : "\(wanted) numbers")",
                             fix: "write \(wanted == 1 ? "an integer" : "\(wanted) integers separated by blanks")")
        }
        if let bounds = parameter.bounds(for: kernel),
           let number = numbers.first(where: { n in (bounds.min.map { n < $0 } ?? false) || (bounds.max.map { n > $0 } ?? false) }) {
            let range = "\(bounds.min.map(String.init) ?? "…")..\(bounds.max.map(String.init) ?? "…")"
            return Rejection(reason: "\(number) is outside \(range), the range Linux \(kernel) accepts for \(name)",
                             fix: "use a value in \(range)")
        }
        if name == Self.portRange, numbers.count == 2 { return portRange(assignment, numbers) }
        if name == Self.unprivilegedStart, let start = numbers.first { return unprivilegedStart(assignment, start) }
        return nil
    }

    /// The message tail every rejection shares: what the loaders do when the write fails.
    static func loaderBehaviour(_ name: String) -> String {
        "the kernel rejects the write with EINVAL: procps sysctl prints 'setting key \"\(name)\": Invalid argument', systemd-sysctl logs \"Couldn't write\", and both exit 1"
    }

    private func portRange(_ assignment: Assignment, _ numbers: [Int]) -> Rejection? {
        if numbers[1] < numbers[0] {
            return Rejection(reason: "the range ends (\(numbers[1])) before it starts (\(numbers[0]))", fix: "write the lower port first")
        }
        guard kernel >= Self.unprivilegedStartSince else { return nil }
        var floor = Self.defaultUnprivilegedStart
        var what = "the default ip_unprivileged_port_start"
        if let other = state.assignment(for: Self.unprivilegedStart), let value = SysctlValue(other.value).firstInteger,
           rejection(of: other) == nil {
            if state.precedes(other.location, assignment.location) {
                floor = value
                what = "ip_unprivileged_port_start (\(other.location.place(from: assignment.location)))"
            } else if numbers[0] < floor && numbers[0] >= value {
                return Rejection(
                    reason: "start \(numbers[0]) is below 1024, and ip_unprivileged_port_start = \(value) is set only after this line (\(other.location.file):\(other.location.line)): when this line is applied, the start is below the unprivileged ports",
                    fix: "move the ip_unprivileged_port_start line above this one")
            }
        }
        guard numbers[0] < floor else { return nil }
        return Rejection(reason: "start \(numbers[0]) is below \(what) (\(floor))",
                         fix: "start the range at \(floor) or above, or lower net.ipv4.ip_unprivileged_port_start on an earlier line")
    }

    /// `ipv4_privileged_ports()` refuses a start above the port range's start as it stands at the write: the
    /// default range when the range line comes later.
    private func unprivilegedStart(_ assignment: Assignment, _ start: Int) -> Rejection? {
        guard kernel >= Self.unprivilegedStartSince else { return nil }
        var rangeStart: Int?
        var what = "the default ip_local_port_range"
        if let range = state.assignment(for: Self.portRange), state.precedes(range.location, assignment.location),
           let numbers = SysctlValue(range.value).integers(count: 2), numbers[1] >= numbers[0] {
            rangeStart = numbers[0]
            what = "ip_local_port_range (\(range.location.place(from: assignment.location)))"
        } else if let text = catalogue.defaultText(for: Self.portRange, kernel: kernel) {
            rangeStart = SysctlValue(text).firstInteger
        }
        guard let rangeStart, start > rangeStart else { return nil }
        return Rejection(reason: "\(start) is above the start of \(what), \(rangeStart): the unprivileged ports must not overlap the local port range",
                         fix: "keep ip_unprivileged_port_start at or below \(rangeStart), or raise the port range's start on an earlier line")
    }
}
