/// A TCP state as the kernel numbers it (include/net/tcp_states.h), with the names `ss` (hyphens) and `netstat`
/// (underscores) print. /proc/net/tcp never shows NEW_SYN_RECV (0x0C): request sockets print as SYN_RECV.
public enum TCPState: UInt8, Sendable, CaseIterable, Comparable {
    case established = 1, synSent, synRecv, finWait1, finWait2, timeWait, close, closeWait, lastAck, listen, closing

    /// The name `netstat` prints, which is also what the kernel headers call it.
    public var name: String {
        switch self {
        case .established: "ESTABLISHED"
        case .synSent: "SYN_SENT"
        case .synRecv: "SYN_RECV"
        case .finWait1: "FIN_WAIT1"
        case .finWait2: "FIN_WAIT2"
        case .timeWait: "TIME_WAIT"
        case .close: "CLOSE"
        case .closeWait: "CLOSE_WAIT"
        case .lastAck: "LAST_ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        }
    }

    /// Either vocabulary: `ss` (`ESTAB`, `CLOSE-WAIT`, `FIN-WAIT-2`, `UNCONN`) or `netstat` (`CLOSE_WAIT`, `FIN_WAIT2`).
    public init?(name: some StringProtocol) {
        switch name.uppercased() {
        case "ESTAB", "ESTABLISHED": self = .established
        case "SYN-SENT", "SYN_SENT": self = .synSent
        case "SYN-RECV", "SYN_RECV": self = .synRecv
        case "FIN-WAIT-1", "FIN_WAIT1": self = .finWait1
        case "FIN-WAIT-2", "FIN_WAIT2": self = .finWait2
        case "TIME-WAIT", "TIME_WAIT": self = .timeWait
        case "UNCONN", "CLOSE", "CLOSED": self = .close
        case "CLOSE-WAIT", "CLOSE_WAIT": self = .closeWait
        case "LAST-ACK", "LAST_ACK": self = .lastAck
        case "LISTEN": self = .listen
        case "CLOSING": self = .closing
        default: return nil
        }
    }

    public static func < (lhs: TCPState, rhs: TCPState) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which timer a socket has pending: the `tr` column of /proc/net/tcp (net/ipv4/tcp_ipv4.c `get_tcp4_sock`), the
/// first word of `netstat -o`'s Timer column and of `ss -o`'s `timer:(…)`.
public enum SocketTimer: UInt8, Sendable {
    /// No timer.
    case off = 0
    /// Retransmission, loss probe or reordering timer: unacknowledged data is being resent (tcp_retries2 governs).
    case retransmit = 1
    /// `sk_timer`: keepalive, and the FIN_WAIT2 timer of an orphaned socket.
    case keepalive = 2
    /// A TIME_WAIT minisocket's timer.
    case timeWait = 3
    /// Zero-window probe (`persist` in `ss`).
    case zeroWindowProbe = 4

    public var name: String {
        switch self {
        case .off: "off"
        case .retransmit: "on"
        case .keepalive: "keepalive"
        case .timeWait: "timewait"
        case .zeroWindowProbe: "probe"
        }
    }

    init?(ssName: some StringProtocol) {
        switch ssName {
        case "off": self = .off
        case "on": self = .retransmit
        case "keepalive": self = .keepalive
        case "timewait": self = .timeWait
        case "persist", "probe": self = .zeroWindowProbe
        default: return nil
        }
    }
}

/// An IPv4 or IPv6 address in 16 bytes (IPv4 stored as IPv4-mapped), compact and hashable: a census of a
/// million sockets keeps two of these per socket.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    public init(ipv4: UInt32) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(ipv4)
        isIPv6 = false
    }

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv6 = true
    }

    public var isUnspecified: Bool { high == 0 && (isIPv6 ? low == 0 : low & 0xFFFF_FFFF == 0) }

    /// 127.0.0.0/8 (also written IPv4-mapped) or ::1.
    public var isLoopback: Bool {
        if high == 0 && low == 1 { return true }
        return high == 0 && low >> 32 == 0xFFFF && (low >> 24) & 0xFF == 127
    }

    public var description: String {
        if !isIPv6 || (high == 0 && low >> 32 == 0xFFFF) {
            let v4 = UInt32(truncatingIfNeeded: low)
            let text = "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF)"
            return isIPv6 ? "::ffff:" + text : text
        }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        // RFC 5952: the longest run of two or more zero groups becomes "::".
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":"), tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// An address and port, shown as `10.0.0.5:3306` or `[2001:db8::1]:443`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        let shown = address.description
        return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
    }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.address.high, lhs.address.low, lhs.port) < (rhs.address.high, rhs.address.low, rhs.port)
    }
}

/// One TCP socket, as /proc/net/tcp, `ss` or `netstat` show it.
public struct TCPSocket: Sendable, Hashable {
    public var state: TCPState
    public var local: Endpoint
    public var remote: Endpoint
    /// Bytes sent and not yet acknowledged; for a listener in `ss`, the backlog (`sk_max_ack_backlog`).
    public var sendQueue: UInt32
    /// Bytes received and not yet read by the application; for a listener, the accept queue's length.
    public var receiveQueue: UInt32
    public var timer: SocketTimer
    /// Time left on the timer, in hundredths of a second (USER_HZ ticks, as /proc prints `tm->when`).
    public var timerTicks: UInt32
    /// Retransmissions so far (`icsk_retransmits`); for a SYN_RECV request, SYN-ACK retransmissions.
    public var retransmits: UInt32
    public var uid: UInt32
    /// 0 for TIME_WAIT and request sockets, and for an accepted child no process has taken with accept() yet.
    public var inode: UInt64
    /// The process holding it, when the input names one (`ss -p`) or /proc/PID/fd could be read.
    public var process: ProcessName?

    public init(state: TCPState, local: Endpoint, remote: Endpoint, sendQueue: UInt32 = 0, receiveQueue: UInt32 = 0,
                timer: SocketTimer = .off, timerTicks: UInt32 = 0, retransmits: UInt32 = 0, uid: UInt32 = 0,
                inode: UInt64 = 0, process: ProcessName? = nil) {
        self.state = state
        self.local = local
        self.remote = remote
        self.sendQueue = sendQueue
        self.receiveQueue = receiveQueue
        self.timer = timer
        self.timerTicks = timerTicks
        self.retransmits = retransmits
        self.uid = uid
        self.inode = inode
        self.process = process
    }
}

extension TCPSocket {
    /// A socket as `ss` and `netstat` list it: queue sizes as printed, clamped to what the kernel's counters hold.
    init(state: TCPState, local: Endpoint, remote: Endpoint, listedReceive: UInt64, listedSend: UInt64) {
        self.init(state: state, local: local, remote: remote, sendQueue: Self.clamped(listedSend), receiveQueue: Self.clamped(listedReceive))
    }

    static func clamped(_ value: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: min(value, UInt64(UInt32.max))) }
}

/// A process as reports name it: `nginx (pid 812)`.
public struct ProcessName: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var pid: Int32
    public var command: String

    public init(pid: Int32, command: String) {
        self.pid = pid
        self.command = command
    }

    public var description: String { "\(command) (pid \(pid))" }

    public static func < (lhs: ProcessName, rhs: ProcessName) -> Bool { lhs.pid < rhs.pid }
}
