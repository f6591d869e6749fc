/// Computes every figure it can from the effective state over the target kernel's defaults. A figure whose
/// inputs are unknown (a memory-dependent default, a value that is not a number) is left out, never guessed.
public struct FigureCalculator: Sendable {
    public let state: EffectiveState
    public let catalogue: ParameterCatalogue
    public let kernel: KernelVersion

    public init(state: EffectiveState, catalogue: ParameterCatalogue, kernel: KernelVersion) {
        self.state = state
        self.catalogue = catalogue
        self.kernel = kernel
    }

    /// A resolved input: its numbers and the record for the report.
    struct Resolved {
        var numbers: [Int]
        var input: ComputedFigure.Input
        var number: Int { numbers[0] }
    }

    func resolve(_ key: String, fields: Int = 1) -> Resolved? {
        if let assignment = state.assignment(for: key) {
            guard let numbers = SysctlValue(assignment.value).integers(count: fields) else { return nil }
            let where_ = "\(assignment.location.file):\(assignment.location.line)"
            return Resolved(numbers: numbers, input: .init(key: key, value: assignment.value, source: where_))
        }
        guard let parameter = catalogue.parameter(for: key), parameter.exists(in: kernel),
              case .value(let text)? = parameter.defaultValue(for: kernel),
              let numbers = SysctlValue(text).integers(count: fields) else { return nil }
        return Resolved(numbers: numbers, input: .init(key: key, value: text, source: "default"))
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
        case .timeWait:
            ComputedFigure(name: name, value: Double(TimeoutModel.timeWaitSeconds),
                           formula: "TCP_TIMEWAIT_LEN = 60 (hard-coded; no sysctl changes it)", inputs: [])
        case .ephemeralPorts: ports().map { ports, input in
            ComputedFigure(name: name, value: Double(ports), formula: "\(input.numbers[1]) − \(input.numbers[0]) + 1", inputs: [input.input])
        }
        case .connectRatePerDestination: ports().map { ports, input in
            ComputedFigure(name: name, value: rounded(Double(ports) / 60),
                           formula: "\(ports) ports / 60 s TIME_WAIT (this host closes first; tcp_tw_reuse with timestamps can lift it)",
                           inputs: [input.input])
        }
        case .timeWaitCloseRate: timeWaitCloseRate()
        }
    }

    private var rtoMaxMs: (Int, [ComputedFigure.Input]) {
        guard kernel >= KernelVersion(6, 15), let resolved = resolve("net.ipv4.tcp_rto_max_ms") else {
            return (TimeoutModel.defaultRtoMaxMs, [])
        }
        let clamped = min(max(resolved.number, 1000), 120_000)
        return (clamped, resolved.input.source == "default" ? [] : [resolved.input])
    }

    private func keepalive() -> ComputedFigure? {
        guard let time = resolve("net.ipv4.tcp_keepalive_time"),
              let interval = resolve("net.ipv4.tcp_keepalive_intvl"),
              let probes = resolve("net.ipv4.tcp_keepalive_probes") else { return nil }
        let inputs = [time.input, interval.input, probes.input]
        if probes.number == 0 {
            return ComputedFigure(name: .keepaliveDeadPeer, value: Double(time.number),
                                  formula: "\(time.number) (probes = 0: reset at keepalive_time, no probe sent)", inputs: inputs)
        }
        let total = time.number + interval.number * probes.number
        return ComputedFigure(name: .keepaliveDeadPeer, value: Double(total),
                              formula: "\(time.number) + \(interval.number) × \(probes.number)", inputs: inputs)
    }

    private func retries(_ name: ComputedFigure.Name, key: String) -> ComputedFigure? {
        guard let retries = resolve(key) else { return nil }
        let (rtoMax, extra) = rtoMaxMs
        let boundary = max(0, retries.number)
        let ms = TimeoutModel.modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMax)
        return ComputedFigure(
            name: name, value: Double(ms) / 1000, formula: TimeoutModel.modelFormula(boundary: boundary, rtoMaxMs: rtoMax),
            inputs: [retries.input] + extra,
            schedule: TimeoutModel.retransmissionSchedule(boundary: boundary, rtoMaxMs: rtoMax).map { Double($0) / 1000 })
    }

    private func orphan() -> ComputedFigure? {
        guard let retries = resolve("net.ipv4.tcp_orphan_retries") else { return nil }
        let (rtoMax, extra) = rtoMaxMs
        let boundary = retries.number <= 0 ? 8 : retries.number
        let ms = TimeoutModel.modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMax)
        let prefix = retries.number <= 0 ? "0 means 8 while the peer answers: " : ""
        return ComputedFigure(
            name: .orphanGiveUp, value: Double(ms) / 1000,
            formula: prefix + TimeoutModel.modelFormula(boundary: boundary, rtoMaxMs: rtoMax), inputs: [retries.input] + extra,
            schedule: TimeoutModel.retransmissionSchedule(boundary: boundary, rtoMaxMs: rtoMax).map { Double($0) / 1000 })
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
        let result = TimeoutModel.synGiveUp(synRetries: max(1, retries.number), linearTimeouts: linear,
                                            initialRtoMs: initialRtoMs, rtoMaxMs: rtoMax)
        let times = result.retransmissionsMs.map(TimeoutModel.seconds).joined(separator: ", ")
        var formula = "SYN at 0, retransmitted at \(times.isEmpty ? "(none)" : times) s; gives up at \(TimeoutModel.seconds(result.giveUpMs)) s"
        formula += " (initial RTO \(TimeoutModel.seconds(initialRtoMs)) s"
        formula += linear > 0 ? ", first \(linear) backoffs linear)" : ", doubling)"
        return ComputedFigure(name: .synGiveUp, value: Double(result.giveUpMs) / 1000, formula: formula, inputs: inputs,
                              schedule: result.retransmissionsMs.map { Double($0) / 1000 })
    }

    private func synack() -> ComputedFigure? {
        guard let retries = resolve("net.ipv4.tcp_synack_retries") else { return nil }
        let result = TimeoutModel.synackGiveUp(synackRetries: max(0, retries.number), initialRtoMs: initialRtoMs)
        let times = result.retransmissionsMs.map(TimeoutModel.seconds).joined(separator: ", ")
        let formula = "SYN-ACK at 0, retransmitted at \(times.isEmpty ? "(none)" : times) s; request dropped at \(TimeoutModel.seconds(result.giveUpMs)) s"
        return ComputedFigure(name: .synackGiveUp, value: Double(result.giveUpMs) / 1000, formula: formula,
                              inputs: [retries.input], schedule: result.retransmissionsMs.map { Double($0) / 1000 })
    }

    private func finWait2() -> ComputedFigure? {
        guard let timeout = resolve("net.ipv4.tcp_fin_timeout") else { return nil }
        let f = timeout.number
        if f > TimeoutModel.timeWaitSeconds {
            return ComputedFigure(name: .finWait2Lifetime, value: Double(2 * (f - 60)),
                                  formula: "2 × (\(f) − 60) (above 60 s the kernel waits f − 60 twice)", inputs: [timeout.input])
        }
        if f <= 0 {
            return ComputedFigure(name: .finWait2Lifetime, value: 0.7,
                                  formula: "floor of 3.5 × RTO (0.7 s at the 200 ms minimum RTO)", inputs: [timeout.input])
        }
        return ComputedFigure(name: .finWait2Lifetime, value: Double(f), formula: "\(f) (never below 3.5 × RTO)", inputs: [timeout.input])
    }

    private func ports() -> (Int, Resolved)? {
        guard let range = resolve("net.ipv4.ip_local_port_range", fields: 2), range.numbers[1] >= range.numbers[0] else { return nil }
        return (range.numbers[1] - range.numbers[0] + 1, range)
    }

    private func timeWaitCloseRate() -> ComputedFigure? {
        // The default is ehash entries / 2, which depends on memory: only a set value gives a figure.
        guard let buckets = resolve("net.ipv4.tcp_max_tw_buckets"), buckets.number >= 0 else { return nil }
        return ComputedFigure(name: .timeWaitCloseRate, value: rounded(Double(buckets.number) / 60),
                              formula: "\(buckets.number) buckets / 60 s TIME_WAIT", inputs: [buckets.input])
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
