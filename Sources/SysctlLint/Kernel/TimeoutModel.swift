/// The kernel's retransmission arithmetic, in milliseconds so that every figure is exact
/// (`net/ipv4/tcp_timer.c`: `tcp_model_timeout`, `retransmits_timed_out`, `tcp_write_timeout`,
/// `tcp_retransmit_timer`; `net/ipv4/inet_connection_sock.c`: `reqsk_timer_handler`).
///
/// All arithmetic saturates: values reach it only after the kernel model accepted them, but a running kernel of an
/// era without bounds (or a hostile snapshot) can report any integer, and nothing here may trap.
public enum TimeoutModel {
    /// `TCP_RTO_MIN`, the base of the `tcp_retries*` model and the RTO of a LAN path.
    public static let rtoMinMs = 200
    /// `TCP_RTO_MAX`; from 6.15 `net.ipv4.tcp_rto_max_ms` replaces it per namespace.
    public static let defaultRtoMaxMs = 120_000
    /// `TCP_TIMEWAIT_LEN`: TIME_WAIT lasts this long, whatever any sysctl says.
    public static let timeWaitSeconds = 60
    /// The largest boundary the model computes with: the u8 handlers stop at 255, and a larger boundary on an era
    /// without bounds only adds `rtoMax` per step, which saturating arithmetic already covers.
    static let boundaryLimit = 1 << 20
    /// Retransmission times listed in a schedule; the count and the give-up time stay exact beyond it.
    public static let listedRetransmissions = 64

    /// `tcp_model_timeout(sk, boundary, rto_base)`: the time budget `boundary` buys, counted from the first
    /// retransmission. ip-sysctl.rst calls it a lower bound: the kernel checks it only when the retransmission timer
    /// fires (15 → 924.6 s with the defaults).
    public static func modelTimeoutMs(boundary: Int, rtoBaseMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> Int {
        let boundary = min(max(boundary, 0), boundaryLimit)
        let threshold = ilog2(rtoMaxMs / max(rtoBaseMs, 1))
        if boundary <= threshold {
            return ((2 << boundary) - 1).saturatingMultiply(rtoBaseMs)
        }
        return ((2 << threshold) - 1).saturatingMultiply(rtoBaseMs)
            .saturatingAdd((boundary - threshold).saturatingMultiply(rtoMaxMs))
    }

    /// The arithmetic behind `modelTimeoutMs`, written out for a report.
    public static func modelFormula(boundary: Int, rtoBaseMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> String {
        let threshold = ilog2(rtoMaxMs / max(rtoBaseMs, 1))
        let base = seconds(rtoBaseMs)
        if boundary <= threshold {
            return "(2^\(boundary + 1) − 1) × \(base)"
        }
        return "(2^\(threshold + 1) − 1) × \(base) + (\(boundary) − \(threshold)) × \(seconds(rtoMaxMs))"
    }

    /// What a retransmission timer does on the wire: when it retransmits, and the firing at which it gives up.
    public struct Timeline: Sendable, Hashable {
        /// Times of the first `listedRetransmissions` retransmissions, from the original send.
        public var retransmissionsMs: [Int]
        /// How many retransmissions there are in all.
        public var retransmissionCount: Int
        /// The timer firing at which the kernel gives up (not a retransmission).
        public var giveUpMs: Int
    }

    /// Where `retransmits_timed_out()` starts counting: `retrans_stamp` is the first retransmission of an
    /// established connection's episode, and the SYN itself for an active open (`tcp_connect()` sets it).
    enum BudgetStart {
        case firstRetransmission, originalSend
    }

    /// Runs the retransmission timer: it fires after `initialRtoMs`, then after an RTO that stays flat for
    /// `linearFirings` retransmissions and then doubles up to `rtoMaxMs`. At each firing the kernel gives up when
    /// the retransmissions reach `countLimit`, or when a retransmission was made and the time since `start` reaches
    /// `budgetMs(rto of this firing)`; otherwise it retransmits. Once the RTO is at its cap nothing changes any more,
    /// so the rest is computed, not iterated: any boundary ends in bounded time.
    static func simulate(initialRtoMs: Int, rtoMaxMs: Int, linearFirings: Int = 0, countLimit: Int? = nil,
                         start: BudgetStart, budgetMs: (Int) -> Int) -> Timeline {
        var now = 0
        var rto = max(initialRtoMs, 1)
        var count = 0
        var first: Int?
        var listed: [Int] = []
        func origin() -> Int? { start == .originalSend ? 0 : first }
        while true {
            now = now.saturatingAdd(rto)
            if let countLimit, count >= countLimit { return Timeline(retransmissionsMs: listed, retransmissionCount: count, giveUpMs: now) }
            let budget = budgetMs(rto)
            if count > 0, let origin = origin(), now - origin >= budget {
                return Timeline(retransmissionsMs: listed, retransmissionCount: count, giveUpMs: now)
            }
            let steady = rto >= rtoMaxMs && count >= linearFirings
            if steady, let origin = origin() ?? Optional(now) {
                // Firings now come every `rto`: this one retransmits, and so does each later one until the budget
                // or the count limit ends it.
                let remaining = budget.saturatingAdd(-(now - origin))
                var more = remaining <= 0 ? 1 : max(1, remaining / rto + (remaining % rto == 0 ? 0 : 1))  // firings until the budget
                if let countLimit { more = min(more, max(1, countLimit - count)) }
                for step in 0..<min(more, max(0, listedRetransmissions - listed.count)) {
                    listed.append(now.saturatingAdd(step.saturatingMultiply(rto)))
                }
                return Timeline(retransmissionsMs: listed, retransmissionCount: count.saturatingAdd(more),
                                giveUpMs: now.saturatingAdd(more.saturatingMultiply(rto)))
            }
            count += 1
            if first == nil { first = now }
            if listed.count < listedRetransmissions { listed.append(now) }
            if count > linearFirings {
                rto = min(rto.saturatingMultiply(2), rtoMaxMs)
            } else if let origin = origin() {
                // The linear phase keeps the RTO flat for `linearFirings - count` more firings: those that still
                // retransmit are counted in one step, so a huge tcp_syn_linear_timeouts ends in bounded time.
                var more = linearFirings - count
                if let countLimit { more = min(more, max(0, countLimit - count)) }
                let left = budget.saturatingAdd(-(now - origin))
                more = min(more, left <= 0 ? 0 : (left - 1) / rto)
                if more > 0 {
                    for step in 1...min(more, max(1, listedRetransmissions - listed.count)) where listed.count < listedRetransmissions {
                        listed.append(now.saturatingAdd(step.saturatingMultiply(rto)))
                    }
                    count = count.saturatingAdd(more)
                    now = now.saturatingAdd(more.saturatingMultiply(rto))
                    if count > linearFirings { rto = min(rto.saturatingMultiply(2), rtoMaxMs) }
                }
            }
        }
    }

    /// An established connection (or `tcp_retries1`'s threshold) on a path whose RTO starts at `rtoMs`: the kernel
    /// gives up at the first firing after the budget has passed since the first retransmission.
    public static func retries(boundary: Int, rtoMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> Timeline {
        let budget = modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMaxMs)
        return simulate(initialRtoMs: rtoMs, rtoMaxMs: rtoMaxMs, start: .firstRetransmission) { _ in budget }
    }

    /// An orphaned connection: `tcp_orphan_retries(sk, alive)` turns 0 into 8 only while the RTO that just expired
    /// is below the cap (`alive`), so a lowered `tcp_rto_max_ms` ends orphans as soon as the RTO reaches it.
    public static func orphan(retries: Int, rtoMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> Timeline {
        simulate(initialRtoMs: rtoMs, rtoMaxMs: rtoMaxMs, start: .firstRetransmission) { rto in
            let alive = rto < rtoMaxMs
            return modelTimeoutMs(boundary: retries == 0 && alive ? 8 : retries, rtoMaxMs: rtoMaxMs)
        }
    }

    /// Active open: when connect() gives up after `synRetries`. The timer fires with an RTO that starts at
    /// `initialRtoMs`, stays flat for `linearTimeouts` extra retransmissions (6.5+), then doubles up to
    /// `rtoMaxMs`. The attempt ends at the first firing where the retransmissions reach
    /// `synRetries + linearTimeouts` or the time since the first SYN reaches the budget `model(synRetries,
    /// budgetBaseMs)`; the base is the initial RTO since 2.6.36 and `TCP_RTO_MIN` before it.
    public static func synGiveUp(synRetries: Int, linearTimeouts: Int, initialRtoMs: Int, rtoMaxMs: Int,
                                 budgetBaseMs: Int? = nil) -> Timeline {
        let budget = modelTimeoutMs(boundary: synRetries, rtoBaseMs: budgetBaseMs ?? initialRtoMs, rtoMaxMs: rtoMaxMs)
        return simulate(initialRtoMs: initialRtoMs, rtoMaxMs: rtoMaxMs, linearFirings: linearTimeouts,
                        countLimit: synRetries.saturatingAdd(linearTimeouts), start: .originalSend) { _ in budget }
    }

    /// Passive open: when a half-open request is dropped after `synackRetries`. SYN-ACK at 0, the request timer
    /// fires after 1, 2, 4, … s (capped at `TCP_RTO_MAX`), and the request dies at the firing after the last retry.
    public static func synackGiveUp(synackRetries: Int, initialRtoMs: Int, rtoMaxMs: Int = defaultRtoMaxMs) -> Timeline {
        simulate(initialRtoMs: initialRtoMs, rtoMaxMs: rtoMaxMs, countLimit: max(0, synackRetries), start: .originalSend) { _ in .max }
    }

    static func ilog2(_ value: Int) -> Int {
        guard value > 1 else { return 0 }
        return Int.bitWidth - 1 - value.leadingZeroBitCount
    }

    /// Milliseconds as seconds text without float noise: 924600 → "924.6", 1000 → "1".
    public static func seconds(_ milliseconds: Int) -> String {
        let whole = milliseconds / 1000
        let fraction = abs(milliseconds % 1000)
        if fraction == 0 { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(milliseconds < 0 && whole == 0 ? "-" : "")\(whole).\(digits)"
    }
}

extension Int {
    /// `self + other`, stopping at the largest or smallest Int instead of trapping.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self × other`, stopping at the largest or smallest Int instead of trapping.
    func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
