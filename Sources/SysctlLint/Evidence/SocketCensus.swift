/// Counts of a host's TCP sockets: by state, per listening port, per remote endpoint, and the groups the verdicts
/// look at (CLOSE_WAIT per holder, TIME_WAIT per destination, listener queues).
public struct SocketCensus: Sendable {
    public var total = 0
    public var byState: [TCPState: Int] = [:]
    public var listeners: [Listener] = []
    /// CLOSE_WAIT sockets grouped by the process holding them and the local port.
    public var closeWait: [CloseWaitGroup] = []
    /// TIME_WAIT sockets this host holds as the client (local port not a listening one), per destination.
    public var clientTimeWait: [EndpointCount] = []
    /// TIME_WAIT sockets on this host's listening ports: the server closed first (no local port is used up).
    public var serverTimeWait = 0
    /// States per listening port: how the server side of this host is doing.
    public var perListeningPort: [UInt16: [TCPState: Int]] = [:]
    /// The remote endpoints with the most sockets, for the client side.
    public var topRemotes: [EndpointCount] = []

    public struct Listener: Sendable, Hashable {
        public var endpoint: Endpoint
        public var process: ProcessName?
        /// Connections waiting for accept().
        public var acceptQueue: Int
        /// The backlog, when the source shows it (`ss`: Send-Q of a LISTEN row); /proc/net/tcp does not.
        public var backlog: Int?
        /// SYN_RECV requests for this port.
        public var synReceived = 0
    }

    public struct CloseWaitGroup: Sendable, Hashable {
        public var process: ProcessName?
        public var localPort: UInt16
        public var count: Int
        /// With unacknowledged data and the retransmission timer on: these end when tcp_retries2 gives up.
        public var retransmitting: Int
        /// Not yet accept()ed (inode 0 in /proc): the application has not even taken them from the accept queue.
        public var notAccepted: Int
        /// The peers with the most of them.
        public var peers: [EndpointCount]
    }

    public struct EndpointCount: Sendable, Hashable {
        public var endpoint: Endpoint
        public var count: Int
    }

    /// How many groups each list keeps, largest first.
    public static let listLimit = 20

    /// `backlogsKnown`: the sockets came from `ss`, where a listener's Send-Q is its backlog; /proc/net/tcp's
    /// tx_queue is always 0 for a listener (net/ipv4/tcp_diag.c `tcp_diag_get_info` versus `get_tcp4_sock`).
    public init(_ sockets: [TCPSocket], backlogsKnown: Bool = false) {
        total = sockets.count
        var listening: Set<UInt16> = []
        for socket in sockets {
            byState[socket.state, default: 0] += 1
            guard socket.state == .listen else { continue }
            listening.insert(socket.local.port)
            // Every LISTEN row is a listener: with SO_REUSEPORT each worker has its own queue on the same port.
            listeners.append(Listener(endpoint: socket.local, process: socket.process, acceptQueue: Int(socket.receiveQueue),
                                      backlog: backlogsKnown ? Int(socket.sendQueue) : nil))
        }
        struct GroupKey: Hashable { var process: ProcessName?; var port: UInt16 }
        var groups: [GroupKey: CloseWaitGroup] = [:]
        var groupPeers: [GroupKey: [Endpoint: Int]] = [:]
        var timeWaitTo: [Endpoint: Int] = [:]
        var remotes: [Endpoint: Int] = [:]
        var synByPort: [UInt16: Int] = [:]
        for socket in sockets where socket.state != .listen {
            if listening.contains(socket.local.port) {
                perListeningPort[socket.local.port, default: [:]][socket.state, default: 0] += 1
            } else {
                remotes[socket.remote, default: 0] += 1
            }
            switch socket.state {
            case .closeWait:
                let key = GroupKey(process: socket.process, port: socket.local.port)
                var group = groups[key] ?? CloseWaitGroup(process: socket.process, localPort: socket.local.port, count: 0,
                                                          retransmitting: 0, notAccepted: 0, peers: [])
                group.count += 1
                if socket.timer == .retransmit && socket.sendQueue > 0 { group.retransmitting += 1 }
                if socket.inode == 0 && socket.process == nil { group.notAccepted += 1 }
                groups[key] = group
                groupPeers[key, default: [:]][Endpoint(address: socket.remote.address, port: 0), default: 0] += 1
            case .timeWait:
                if listening.contains(socket.local.port) { serverTimeWait += 1 } else { timeWaitTo[socket.remote, default: 0] += 1 }
            case .synRecv:
                synByPort[socket.local.port, default: 0] += 1
            default:
                break
            }
        }
        for index in listeners.indices { listeners[index].synReceived = synByPort[listeners[index].endpoint.port] ?? 0 }
        closeWait = groups.map { key, group in
            var group = group
            group.peers = Self.largest(groupPeers[key] ?? [:], limit: 5)
            return group
        }.sorted { ($0.count, $1.localPort, $1.process?.pid ?? -1) > ($1.count, $0.localPort, $0.process?.pid ?? -1) }
        clientTimeWait = Self.largest(timeWaitTo, limit: Self.listLimit)
        topRemotes = Self.largest(remotes, limit: Self.listLimit)
    }

    static func largest(_ counts: [Endpoint: Int], limit: Int) -> [EndpointCount] {
        counts.map { EndpointCount(endpoint: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.endpoint < $1.endpoint }
            .prefix(limit).map { $0 }
    }
}
