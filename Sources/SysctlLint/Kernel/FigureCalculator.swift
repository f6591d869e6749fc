/// Computes every figure it can from the state the kernel holds after the files are applied, over the target
/// kernel's defaults. A figure whose inputs are unknown (a memory-dependent default, a value that is not a number)
/// is left out, never guessed; a write the kernel rejects is not used (the kernel keeps its value, and the input
/// says so).
public struct FigureCalculator: Sendable {
    public let state: EffectiveState
    public let catalogue: ParameterCatalogue
    public let kernel: KernelVersion
    /// Judges configuration writes; nil for a running kernel's values, which it has already accepted.
    let writeCheck: WriteCheck?

    public init(state: EffectiveState, catalogue: ParameterCatalogue, kernel: KernelVersion, checksWrites: Bool = true) {
        self.state = state
        self.catalogue = catalogue
        self.kernel = kernel
        writeCheck = checksWrites ? WriteCheck(state: state, catalogue: catalogue, kernel: kernel) : nil
    }

    /// A resolved input: its numbers and the record for the report.
    struct Resolved {
        var numbers: [Int]
        var input: ComputedFigure.Input
        var number: Int { numbers[0] }
        var isDefault: Bool { input.source == "default" }
    }

    /// The value the kernel holds for `key`: the winning assignment when the kernel accepts it, else the default
    /// (systemd-sysctl writes only the last assignment of a key, so a refused one leaves the boot value).
    func resolve(_ key: String, fields: Int = 1) -> Resolved? {
        var rejected: [ComputedFigure.Input.Rejected] = []
        if let assignment = state.assignment(for: key) {
            let place = "\(assignment.location.file):\(assignment.location.line)"
            if writeCheck?.rejection(of: assignment) != nil {
                rejected.append(.init(value: assignment.value, source: place))
            } else {
                guard let numbers = SysctlValue(assignment.value).integers(count: fields) else { return nil }
                var input = ComputedFigure.Input(key: key, value: assignment.value, source: place)
                input.changesDefault = catalogue.defaultText(for: key, kernel: kernel)
                    .flatMap { SysctlValue($0).integers(count: fields) } != numbers
                return Resolved(numbers: numbers, input: input)
            }
        }
        guard let parameter = catalogue.parameter(for: key), parameter.exists(in: kernel),
              case .value(let text)? = parameter.defaultValue(for: kernel),
              let numbers = SysctlValue(text).integers(count: fields) else { return nil }
        return Resolved(numbers: numbers, input: .init(key: key, value: text, source: "default", rejected: rejected))
    }

    public func compute() -> [ComputedFigure] {
        ComputedFigure.Name.allCases.compactMap { figure($0) }
    }

    public func figure(_ name: ComputedFigure.Name) -> ComputedFigure? {
        switch name {
        case .keepaliveDeadPeer: keepalive()
        case .retries2GiveUp: retries(name, key: "net.ipv4.tcp_retries2")
        case .retries1Threshold: retries(name, key: "net.ipv4.tcp_retries1")
        case .orphanGiveUp: orphan()
        case .synGiveUp: syn()
        case .synackGiveUp: synack()
        case .finWait2Lifetime: finWait2()
        case .timeWait: timeWait()
        case .ephemeralPorts: ephemeralPorts()
        case .connectRatePerDestination: connectRate()
        case .timeWaitCloseRate: timeWaitCloseRate()
        }
    }

    /// Inputs worth listing: those set in the files, and defaults that stand in for a rejected write.
    private func shown(_ resolved: Resolved?) -> [ComputedFigure.Input] {
        guard let resolved, !resolved.isDefault || !resolved.input.rejected.isEmpty else { return [] }
        return [resolved.input]
    }

    private var rtoMaxMs: (Int, [ComputedFigure.Input]) {
        guard kernel >= KernelVersion(6, 15), let resolved = resolve("net.ipv4.tcp_rto_max_ms") else {
            return (TimeoutModel.defaultRtoMaxMs, [])
        }
        return (min(max(resolved.number, 1000), 120_000), shown(resolved))
    }

    private func keepalive() -> ComputedFigure? {
        guard let time = resolve("net.ipv4.tcp_keepalive_time"),
              let interval = resolve("net.ipv4.tcp_keepalive_intvl"),
              let probes = resolve("net.ipv4.tcp_keepalive_probes") else { return nil }
        let inputs = [time.input, interval.input, probes.input]
        if probes.number <= 0 {
            return ComputedFigure(name: .keepaliveDeadPeer, value: Double(time.number),
                                  formula: "\(time.number) (probes = 0: reset at keepalive_time, no probe sent)", inputs: inputs)
        }
        let total = time.number.saturatingAdd(interval.number.saturatingMultiply(probes.number))
        return ComputedFigure(name: .keepaliveDeadPeer, value: Double(total),
                              formula: "\(time.number) + \(interval.number) × \(probes.number)", inputs: inputs)
    }

    /// RTOs the give-up times are stated for: the 200 ms floor a LAN path sits at, and 1 s for a slow path.
    static let statedRtosMs = [TimeoutModel.rtoMinMs, 1000]

    private func retries(_ name: ComputedFigure.Name, key: String) -> ComputedFigure? {
        guard let retries = resolve(key) else { return nil }
        let (rtoMax, extra) = rtoMaxMs
        let boundary = max(0, retries.number)
        let ms = TimeoutModel.modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMax)
        let timelines = Self.statedRtosMs.map { TimeoutModel.retries(boundary: boundary, rtoMs: $0, rtoMaxMs: rtoMax) }
        return budget(name, ms: ms, formula: TimeoutModel.modelFormula(boundary: boundary, rtoMaxMs: rtoMax),
                      inputs: [retries.input] + extra, timelines: timelines)
    }

    private func budget(_ name: ComputedFigure.Name, ms: Int, formula: String, inputs: [ComputedFigure.Input],
                        timelines: [TimeoutModel.Timeline], note: String? = nil) -> ComputedFigure {
        let giveUp = zip(Self.statedRtosMs, timelines).map { rto, timeline in
            ComputedFigure.GiveUp(rtoMs: rto, seconds: Double(timeline.giveUpMs) / 1000, retransmissions: timeline.retransmissionCount)
        }
        return ComputedFigure(
            name: name, value: Double(ms) / 1000, formula: formula, inputs: inputs,
            schedule: timelines.first.map { $0.retransmissionsMs.map { Double($0) / 1000 } }, kind: .lowerBound,
            giveUp: giveUp,
            note: note ?? "a lower bound: the kernel gives up at the first retransmission timer after the budget has passed since the first retransmission")
    }

    private func orphan() -> ComputedFigure? {
        guard let retries = resolve("net.ipv4.tcp_orphan_retries") else { return nil }
        let (rtoMax, extra) = rtoMaxMs
        let value = max(0, retries.number)
        let boundary = value == 0 ? 8 : value
        let ms = TimeoutModel.modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMax)
        let prefix = value == 0 ? "0 means 8 while the peer answers: " : ""
        let timelines = Self.statedRtosMs.map { TimeoutModel.orphan(retries: value, rtoMs: $0, rtoMaxMs: rtoMax) }
        var figure = budget(.orphanGiveUp, ms: ms, formula: prefix + TimeoutModel.modelFormula(boundary: boundary, rtoMaxMs: rtoMax),
                            inputs: [retries.input] + extra, timelines: timelines)
        // tcp_orphan_retries() keeps the 8 only while the RTO is below the cap: with a lowered tcp_rto_max_ms the
        // orphan can die before the budget, so the budget is no longer a lower bound.
        if value == 0, let first = timelines.first, let start = first.retransmissionsMs.first, first.giveUpMs - start < ms {
            figure.value = Double(first.giveUpMs) / 1000
            figure.kind = .estimate
            figure.formula = "the RTO reaches tcp_rto_max_ms (\(TimeoutModel.seconds(rtoMax)) s) before the 8-retry budget (\(TimeoutModel.seconds(ms)) s): the peer no longer counts as alive, 0 retries apply, and the orphan is dropped at \(TimeoutModel.seconds(first.giveUpMs)) s with a 200 ms RTO"
            figure.note = "an estimate for a path whose RTO starts at 200 ms"
        }
        return figure
    }

    /// Initial RTO: 3 s before 3.1 (RFC 1122), 1 s since (RFC 6298, commit 9ad7c049f0f7).
    private var initialRtoMs: Int { kernel < KernelVersion(3, 1) ? 3000 : 1000 }

    private func syn() -> ComputedFigure? {
        guard let retries = resolve("net.ipv4.tcp_syn_retries") else { return nil }
        var inputs = [retries.input]
        var linear = 0
        if kernel >= KernelVersion(6, 5), let linearInput = resolve("net.ipv4.tcp_syn_linear_timeouts") {
            linear = max(0, linearInput.number)
            inputs.append(linearInput.input)
        }
        let (rtoMax, extra) = rtoMaxMs
        inputs += extra
        // 2.6.32–2.6.35 measured the SYN budget against TCP_RTO_MIN while the first SYN waited 3 s, so the time
        // limit ended the attempt long before the count did (fixed in 2.6.36).
        let oldBase = kernel < KernelVersion(2, 6, 36) ? TimeoutModel.rtoMinMs : nil
        let result = TimeoutModel.synGiveUp(synRetries: max(0, retries.number), linearTimeouts: linear,
                                            initialRtoMs: initialRtoMs, rtoMaxMs: rtoMax, budgetBaseMs: oldBase)
        let times = listed(result)
        var formula = "SYN at 0, retransmitted at \(times.isEmpty ? "(none)" : times) s; gives up at \(TimeoutModel.seconds(result.giveUpMs)) s"
        formula += " (initial RTO \(TimeoutModel.seconds(initialRtoMs)) s"
        formula += linear > 0 ? ", first \(linear) backoffs linear" : ", doubling"
        formula += oldBase != nil ? "; budget measured with the 200 ms base before 2.6.36)" : ")"
        return ComputedFigure(name: .synGiveUp, value: Double(result.giveUpMs) / 1000, formula: formula, inputs: inputs,
                              schedule: result.retransmissionsMs.map { Double($0) / 1000 },
                              note: "when every SYN or SYN-ACK is lost (an unreachable or filtered peer)")
    }

    private func listed(_ timeline: TimeoutModel.Timeline) -> String {
        let times = timeline.retransmissionsMs.map(TimeoutModel.seconds).joined(separator: ", ")
        let more = timeline.retransmissionCount - timeline.retransmissionsMs.count
        return more > 0 ? times + " and \(more) more" : times
    }

    private func synack() -> ComputedFigure? {
        guard let retries = resolve("net.ipv4.tcp_synack_retries") else { return nil }
        let result = TimeoutModel.synackGiveUp(synackRetries: max(0, retries.number), initialRtoMs: initialRtoMs)
        let times = listed(result)
        let formula = "SYN-ACK at 0, retransmitted at \(times.isEmpty ? "(none)" : times) s; request dropped at \(TimeoutModel.seconds(result.giveUpMs)) s"
        return ComputedFigure(name: .synackGiveUp, value: Double(result.giveUpMs) / 1000, formula: formula,
                              inputs: [retries.input], schedule: result.retransmissionsMs.map { Double($0) / 1000 })
    }

    // MARK: TIME_WAIT, FIN_WAIT2 and ports

    /// Whether the TIME_WAIT limit is zero: `inet_twsk_alloc()` then refuses every TIME_WAIT (and orphan
    /// FIN_WAIT2) socket and the kernel closes it at once. Before 5.18 the limit was compared as a signed int, so a
    /// negative value meant the same; since 5.18 it is unlimited (fbb8295248e1's series).
    private var noTimeWait: Resolved? {
        guard let buckets = resolve("net.ipv4.tcp_max_tw_buckets") else { return nil }
        if buckets.number == 0 || (buckets.number < 0 && kernel < KernelVersion(5, 18)) { return buckets }
        return nil
    }

    /// `tcp_tw_recycle` (gone in 4.12) with timestamps: TIME_WAIT lasts 3.5 × RTO for peers that send timestamps.
    private var recycle: (Resolved, Resolved)? {
        guard kernel < KernelVersion(4, 12), let recycle = resolve("net.ipv4.tcp_tw_recycle"), recycle.number != 0,
              let timestamps = resolve("net.ipv4.tcp_timestamps"), timestamps.number != 0 else { return nil }
        return (recycle, timestamps)
    }

    /// 3.5 × RTO at the 200 ms floor (`tcp_time_wait()`: `(icsk_rto << 2) - (icsk_rto >> 1)`).
    static let recycledTimeWaitSeconds = 0.7

    private func timeWait() -> ComputedFigure? {
        if let buckets = noTimeWait {
            return ComputedFigure(name: .timeWait, value: 0,
                                  formula: "tcp_max_tw_buckets = \(buckets.number): no TIME_WAIT at all; a closing socket is destroyed at once (counted as TCPTimeWaitOverflow)",
                                  inputs: [buckets.input])
        }
        if let (recycle, timestamps) = recycle {
            return ComputedFigure(name: .timeWait, value: Self.recycledTimeWaitSeconds,
                                  formula: "3.5 × RTO (0.7 s at a 200 ms RTO) for peers that send timestamps, 60 s for the others (tcp_tw_recycle, Linux < 4.12)",
                                  inputs: [recycle.input, timestamps.input], kind: .estimate)
        }
        return ComputedFigure(name: .timeWait, value: Double(TimeoutModel.timeWaitSeconds),
                              formula: "TCP_TIMEWAIT_LEN = 60 (hard-coded; no sysctl changes it)", inputs: [])
    }

    private func finWait2() -> ComputedFigure? {
        guard let timeout = resolve("net.ipv4.tcp_fin_timeout") else { return nil }
        let f = timeout.number
        if let buckets = noTimeWait {
            let lifetime = f > TimeoutModel.timeWaitSeconds ? f - 60 : 0
            return ComputedFigure(name: .finWait2Lifetime, value: Double(lifetime),
                                  formula: f > 60 ? "\(f) − 60: the first wait runs, then the FIN_WAIT2 timewait socket cannot be allocated (tcp_max_tw_buckets = \(buckets.number)) and the socket is closed"
                                      : "0: the FIN_WAIT2 timewait socket cannot be allocated (tcp_max_tw_buckets = \(buckets.number)), so the socket is closed at once",
                                  inputs: [timeout.input, buckets.input])
        }
        if f > TimeoutModel.timeWaitSeconds {
            return ComputedFigure(name: .finWait2Lifetime, value: Double((f - 60).saturatingMultiply(2)),
                                  formula: "2 × (\(f) − 60) (above 60 s the kernel waits f − 60 twice)", inputs: [timeout.input])
        }
        if f <= 0 {
            return ComputedFigure(name: .finWait2Lifetime, value: 0.7,
                                  formula: "floor of 3.5 × RTO (0.7 s at the 200 ms minimum RTO)", inputs: [timeout.input], kind: .estimate)
        }
        return ComputedFigure(name: .finWait2Lifetime, value: Double(f), formula: "\(f) (never below 3.5 × RTO)", inputs: [timeout.input])
    }

    /// Ports connect() can use: the range, less `ip_local_reserved_ports` inside it (`__inet_hash_connect()` skips
    /// them).
    private func ports() -> (count: Int, formula: String, inputs: [ComputedFigure.Input])? {
        guard let range = resolve("net.ipv4.ip_local_port_range", fields: 2), range.numbers[1] >= range.numbers[0] else { return nil }
        // Running values are not writes, so any integer can reach here: the count saturates.
        let (low, high) = (range.numbers[0], range.numbers[1])
        var count = high.subtractingReportingOverflow(low).overflow ? Int.max : (high - low).saturatingAdd(1)
        var formula = "\(high) − \(low) + 1"
        var inputs = [range.input]
        if let reserved = state.assignment(for: "net.ipv4.ip_local_reserved_ports"), writeCheck?.rejection(of: reserved) == nil,
           let list = PortList(reserved.value) {
            let inside = list.count(in: low...high)
            if inside > 0 {
                count -= inside
                formula += " − \(inside) reserved"
                inputs.append(.init(key: "net.ipv4.ip_local_reserved_ports", value: reserved.value,
                                    source: "\(reserved.location.file):\(reserved.location.line)"))
            }
        }
        return (count, formula, inputs)
    }

    private func ephemeralPorts() -> ComputedFigure? {
        ports().map { ComputedFigure(name: .ephemeralPorts, value: Double($0.count), formula: $0.formula, inputs: $0.inputs) }
    }

    /// How long a closed connection holds its 4-tuple, for one destination: TIME_WAIT, unless `tcp_tw_reuse`
    /// lets connect() take a TIME_WAIT tuple whose timestamps are older than the reuse delay.
    private func connectRate() -> ComputedFigure? {
        guard let (ports, _, portInputs) = ports(), noTimeWait == nil else { return nil }
        if let (recycle, timestamps) = recycle {
            return ComputedFigure(name: .connectRatePerDestination, value: rounded(Double(ports) / Self.recycledTimeWaitSeconds),
                                  formula: "\(ports) ports / 0.7 s TIME_WAIT (tcp_tw_recycle: peers that send timestamps; \(Format.number(rounded(Double(ports) / 60))) conn/s to the others)",
                                  inputs: portInputs + [recycle.input, timestamps.input], kind: .estimate)
        }
        let plain = rounded(Double(ports) / 60)
        if let reuse = twReuse {
            let delay = Format.number(reuse.delaySeconds)
            let scoped = reuse.loopbackOnly
            let rate = scoped ? plain : rounded(Double(ports) / reuse.delaySeconds)
            let formula = scoped
                ? "\(ports) ports / 60 s TIME_WAIT (this host closes first); to loopback destinations tcp_tw_reuse = 2 allows \(Format.number(rounded(Double(ports) / reuse.delaySeconds))) conn/s (\(ports) ports / \(delay) s)"
                : "\(ports) ports / \(delay) s (tcp_tw_reuse with timestamps: connect() reuses a TIME_WAIT port after \(delay) s, to peers that also send timestamps; \(Format.number(plain)) conn/s to the others)"
            return ComputedFigure(name: .connectRatePerDestination, value: rate, formula: formula,
                                  inputs: portInputs + reuse.inputs, kind: .estimate)
        }
        return ComputedFigure(name: .connectRatePerDestination, value: plain,
                              formula: "\(ports) ports / 60 s TIME_WAIT (this host closes first)", inputs: portInputs,
                              kind: .estimate)
    }

    /// `tcp_twsk_unique()`: reuse needs timestamps on this host, and applies to every destination for 1 (and, before
    /// 4.18, for any non-zero value) or to loopback only for 2 (4.18+). The tuple must be older than 1 s (6.14+:
    /// `tcp_tw_reuse_delay` ms).
    private var twReuse: (loopbackOnly: Bool, delaySeconds: Double, inputs: [ComputedFigure.Input])? {
        guard let reuse = resolve("net.ipv4.tcp_tw_reuse"), reuse.number != 0,
              let timestamps = resolve("net.ipv4.tcp_timestamps"), timestamps.number != 0 else { return nil }
        let loopbackOnly = kernel >= KernelVersion(4, 18) && reuse.number == 2
        var delay = 1.0
        var inputs = [reuse.input] + shown(timestamps)
        if kernel >= KernelVersion(6, 14), let delayInput = resolve("net.ipv4.tcp_tw_reuse_delay"), delayInput.number > 0 {
            delay = Double(delayInput.number) / 1000
            inputs += shown(delayInput)
        }
        return (loopbackOnly, delay, inputs)
    }

    private func timeWaitCloseRate() -> ComputedFigure? {
        // The default is ehash entries / 2, which depends on memory: only a set value gives a figure.
        guard let buckets = resolve("net.ipv4.tcp_max_tw_buckets"), buckets.number >= 0 else { return nil }
        return ComputedFigure(name: .timeWaitCloseRate, value: rounded(Double(buckets.number) / 60),
                              formula: "\(buckets.number) buckets / 60 s TIME_WAIT", inputs: [buckets.input])
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
