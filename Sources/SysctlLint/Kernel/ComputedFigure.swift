/// A figure the kernel derives from the effective values, with the arithmetic and where each input came from.
public struct ComputedFigure: Sendable, Hashable {
    public struct Input: Sendable, Hashable {
        public var key: String
        public var value: String
        /// `default` (the target kernel's), or `file:line` of the assignment that set it.
        public var source: String
    }

    /// The names are part of the JSON contract.
    public enum Name: String, Sendable, CaseIterable {
        case keepaliveDeadPeer = "keepalive_dead_peer"
        case retries2GiveUp = "retries2_giveup"
        case retries1Threshold = "retries1_threshold"
        case orphanGiveUp = "orphan_giveup"
        case synGiveUp = "syn_giveup"
        case synackGiveUp = "synack_giveup"
        case finWait2Lifetime = "fin_wait2_lifetime"
        case timeWait = "time_wait"
        case ephemeralPorts = "ephemeral_ports"
        case connectRatePerDestination = "connect_rate_per_destination"
        case timeWaitCloseRate = "time_wait_close_rate"

        public var unit: String {
            switch self {
            case .ephemeralPorts: "ports"
            case .connectRatePerDestination: "conn/s"
            case .timeWaitCloseRate: "closes/s"
            default: "s"
            }
        }

        /// One line for tables and `explain`.
        public var summary: String {
            switch self {
            case .keepaliveDeadPeer: "idle SO_KEEPALIVE connection to a dead peer is reset after"
            case .retries2GiveUp: "established connection with unacknowledged data gives up after (lower bound)"
            case .retries1Threshold: "retransmissions start route re-lookup and black-hole detection after"
            case .orphanGiveUp: "orphaned (closed) connection stops retransmitting after"
            case .synGiveUp: "connect() to an unreachable peer fails after"
            case .synackGiveUp: "half-open (SYN_RECV) connection is dropped after"
            case .finWait2Lifetime: "orphaned FIN_WAIT2 socket lives"
            case .timeWait: "TIME_WAIT lasts (fixed in the kernel)"
            case .ephemeralPorts: "local ports for outgoing connections"
            case .connectRatePerDestination: "new connections per second to one destination before ports run out"
            case .timeWaitCloseRate: "active closes per second before TIME_WAIT sockets are destroyed early"
            }
        }
    }

    public var name: Name
    public var value: Double
    public var formula: String
    public var inputs: [Input]
    /// Retransmission times in seconds from the first send, for the retry-based figures.
    public var schedule: [Double]?

    public var unit: String { name.unit }

    /// "15m 24.6s" for durations, "28232 ports" for counts.
    public var displayValue: String {
        unit == "s" ? Format.duration(seconds: value) : "\(Format.number(value)) \(unit)"
    }
}
