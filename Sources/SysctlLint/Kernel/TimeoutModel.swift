/// The kernel's retransmission arithmetic, in milliseconds so that every figure is exact
/// (`net/ipv4/tcp_timer.c`: `tcp_model_timeout`, `tcp_write_timeout`, `tcp_retransmit_timer`;
/// `net/ipv4/inet_connection_sock.c`: `reqsk_timer_handler`).
public enum TimeoutModel {
    /// `TCP_RTO_MIN`, the base of the `tcp_retries*` model.
    public static let rtoMinMs = 200
    /// `TCP_RTO_MAX`; from 6.15 `net.ipv4.tcp_rto_max_ms` replaces it per namespace.
    public static let defaultRtoMaxMs = 120_000
    /// `TCP_TIMEWAIT_LEN`: TIME_WAIT lasts this long, whatever any sysctl says.
    public static let timeWaitSeconds = 60

    /// `tcp_model_timeout(sk, boundary, rto_base)`: the time budget `boundary` buys, the documented lower bound
    /// of the give-up time (15 → 924.6 s with the defaults).
    public static func modelTimeoutMs(boundary: Int, rtoBaseMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> Int {
        let threshold = ilog2(rtoMaxMs / rtoBaseMs)
        if boundary <= threshold {
            return ((2 << boundary) - 1) * rtoBaseMs
        }
        return ((2 << threshold) - 1) * rtoBaseMs + (boundary - threshold) * rtoMaxMs
    }

    /// The arithmetic behind `modelTimeoutMs`, written out for a report.
    public static func modelFormula(boundary: Int, rtoBaseMs: Int = rtoMinMs, rtoMaxMs: Int = defaultRtoMaxMs) -> String {
        let threshold = ilog2(rtoMaxMs / rtoBaseMs)
        let base = seconds(rtoBaseMs)
        if boundary <= threshold {
            return "(2^\(boundary + 1) − 1) × \(base)"
        }
        return "(2^\(threshold + 1) − 1) × \(base) + (\(boundary) − \(threshold)) × \(seconds(rtoMaxMs))"
    }

    /// Active open: when connect() gives up after `synRetries`. The timer fires with an RTO that starts at
    /// `initialRtoMs`, stays flat for `linearTimeouts` extra retransmissions (6.5+), then doubles up to
    /// `rtoMaxMs`. The attempt ends at the first firing where the retransmissions reach
    /// `synRetries + linearTimeouts` or the time since the first SYN reaches the model budget.
    public static func synGiveUp(synRetries: Int, linearTimeouts: Int, initialRtoMs: Int, rtoMaxMs: Int)
        -> (giveUpMs: Int, retransmissionsMs: [Int])
    {
        let countLimit = synRetries + linearTimeouts
        let budget = modelTimeoutMs(boundary: synRetries, rtoBaseMs: initialRtoMs, rtoMaxMs: rtoMaxMs)
        var now = 0
        var rto = initialRtoMs
        var sent: [Int] = []
        // Bounded: every firing either gives up or adds a retransmission, and countLimit ≤ 255 + 127.
        while true {
            now += rto
            let retransmissions = sent.count
            if retransmissions >= countLimit || (retransmissions > 0 && now >= budget) {
                return (now, sent)
            }
            sent.append(now)
            if sent.count > linearTimeouts { rto = min(rto * 2, rtoMaxMs) }
        }
    }

    /// Passive open: when a half-open request is dropped after `synackRetries`. SYN-ACK at 0, the request timer
    /// fires after 1, 2, 4, … s (capped at `TCP_RTO_MAX`), and the request dies at the firing after the last retry.
    public static func synackGiveUp(synackRetries: Int, initialRtoMs: Int, rtoMaxMs: Int = defaultRtoMaxMs)
        -> (giveUpMs: Int, retransmissionsMs: [Int])
    {
        var now = 0
        var step = initialRtoMs
        var sent: [Int] = []
        for firing in 0...synackRetries {
            now += step
            if firing < synackRetries { sent.append(now) }
            step = min(step * 2, rtoMaxMs)
        }
        return (now, sent)
    }

    /// When a retries boundary expires on a path whose RTO sits at the 200 ms floor: the retransmission times
    /// (from the original send) up to the give-up point. The model time counts from the first retransmission.
    public static func retransmissionSchedule(boundary: Int, rtoMaxMs: Int = defaultRtoMaxMs) -> [Int] {
        let budget = modelTimeoutMs(boundary: boundary, rtoMaxMs: rtoMaxMs)
        var now = 0
        var rto = rtoMinMs
        var sent: [Int] = []
        while sent.count < 512 {
            now += rto
            if let first = sent.first, now - first >= budget { break }
            sent.append(now)
            rto = min(rto * 2, rtoMaxMs)
        }
        return sent
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
