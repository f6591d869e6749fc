/// A figure the kernel derives from the effective values, with the arithmetic and where each input came from.
public struct ComputedFigure: Sendable, Hashable {
    public struct Input: Sendable, Hashable {
        public var key: String
        public var value: String
        /// `default` (the target kernel's), or `file:line` of the assignment that set it.
        public var source: String
        /// Writes of this key the kernel refuses (`file:line`, value): the figure uses the value it keeps instead.
        public var rejected: [Rejected] = []
        /// Whether the value differs from the target kernel's default (a set value equal to it changes nothing).
        public var changesDefault = false

        public struct Rejected: Sendable, Hashable {
            public var value: String
            public var source: String
        }
    }

    /// What the value is. A budget is what ip-sysctl.rst calls "a lower bound for the effective timeout": the
    /// kernel checks it only when the retransmission timer fires, so the connection ends later.
    public enum Kind: String, Sendable {
        /// The kernel's own arithmetic gives exactly this.
        case exact
        /// No sooner than this; `giveUp` says when it really ends for a stated RTO.
        case lowerBound = "lower_bound"
        /// Depends on an assumption that the formula states (who closes first, the peer's options).
        case estimate
    }

    /// When a budget really ends on the wire, for one RTO.
    public struct GiveUp: Sendable, Hashable {
        /// The path's RTO that the timeline assumes (200 ms is the floor a LAN path sits at).
        public var rtoMs: Int
        public var seconds: Double
        public var retransmissions: Int
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
    /// Retransmission times in seconds from the first send, for the retry-based figures; the give-up point is
    /// not among them.
    public var schedule: [Double]?
    public var kind: Kind = .exact
    /// For budgets: when the kernel gives up on paths with the RTOs listed (the first is the schedule's).
    public var giveUp: [GiveUp] = []
    /// What the figure assumes or what changes it, in words, when that is not in the formula.
    public var note: String?

    public var unit: String { name.unit }

    /// "15m 24.6s" for durations, "28232 ports" for counts.
    public var displayValue: String {
        unit == "s" ? Format.duration(seconds: value) : "\(Format.number(value)) \(unit)"
    }

    /// Whether any input differs from the kernel's default, or a refused write stands behind one: the figures a
    /// configuration changes.
    public var isChanged: Bool { inputs.contains { $0.changesDefault || !$0.rejected.isEmpty } }

    /// The value as a reader should take it: "≥ 3s" for a lower bound.
    public var qualifiedValue: String { kind == .lowerBound ? "≥ " + displayValue : displayValue }
}
