import Foundation
import Testing
@testable import SysctlLint
#if canImport(Glibc)
import Glibc
#endif

/// Real sockets on loopback, read back through /proc the way `sysctl-lint sockets` reads a live host: a server that
/// never closes what it accepts (CLOSE_WAIT), a client that closes first (TIME_WAIT), and a listener nobody accepts
/// from (a full accept queue).
@Suite(.serialized) struct LiveSocketTests {
    static let available = FileManager.default.fileExists(atPath: "/proc/net/tcp")

    /// A TCP socket on 127.0.0.1 with an ephemeral port; -1 when the sandbox allows no sockets.
    static func listener(backlog: Int32) -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? (fd, UInt16(bigEndian: address.sin_port)) : (-1, 0)
    }

    static func connectTo(_ port: UInt16, blocking: Bool = true) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if !blocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    /// Reads the live host until `ready` holds (a FIN crossing loopback takes a moment), at most 100 tries.
    static func census(until ready: (Evidence) -> Bool) -> Evidence {
        var evidence = EvidenceCollector.live()
        for _ in 0..<100 where !ready(evidence) {
            usleep(20_000)
            evidence = EvidenceCollector.live()
        }
        return evidence
    }

    static var myCommand: String {
        ((try? String(contentsOfFile: "/proc/self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: available)) func aServerThatNeverClosesHoldsCloseWait() throws {
        let server = Self.listener(backlog: 16)
        try #require(server.fd >= 0, "no loopback sockets here")
        defer { close(server.fd) }
        var accepted: [Int32] = []
        defer { accepted.forEach { close($0) } }
        for _ in 0..<3 {
            let client = Self.connectTo(server.port)
            accepted.append(accept(server.fd, nil, nil))
            close(client)  // the client closes; the server never does
        }
        let evidence = Self.census { evidence in
            evidence.sockets.filter { $0.state == .closeWait && $0.local.port == server.port }.count == 3
        }
        let census = SocketCensus(evidence.sockets)
        let group = try #require(census.closeWait.first { $0.localPort == server.port })
        #expect(group.count == 3)
        #expect(group.process?.pid == getpid() && group.process?.command == Self.myCommand, "the holder is this process")
        let verdicts = SocketVerdicts(evidence: evidence, knowledge: Fixtures.knowledge)
        #expect(verdicts.findings.contains { $0.rule == "sockets-close-wait" && $0.message.contains("local port \(server.port)") && $0.message.contains("pid \(getpid())") })
    }

    @Test(.enabled(if: available)) func aClientThatClosesFirstHoldsTimeWait() throws {
        let server = Self.listener(backlog: 16)
        try #require(server.fd >= 0, "no loopback sockets here")
        defer { close(server.fd) }
        for _ in 0..<4 {
            let client = Self.connectTo(server.port)
            let peer = accept(server.fd, nil, nil)
            close(client)  // the client closes first …
            usleep(5_000)
            close(peer)    // … so the client's side waits in TIME_WAIT
        }
        let evidence = Self.census { evidence in
            evidence.sockets.filter { $0.state == .timeWait && $0.remote.port == server.port }.count >= 4
        }
        let census = SocketCensus(evidence.sockets)
        let destination = try #require(census.clientTimeWait.first { $0.endpoint.port == server.port })
        #expect(destination.count >= 4 && destination.endpoint.address.description == "127.0.0.1")
    }

    @Test(.enabled(if: available)) func aListenerNobodyAcceptsFromFillsItsQueue() throws {
        let server = Self.listener(backlog: 1)
        try #require(server.fd >= 0, "no loopback sockets here")
        defer { close(server.fd) }
        let before = EvidenceCollector.live().counters["TcpExtListenOverflows"] ?? 0
        let clients = (0..<4).map { _ in Self.connectTo(server.port, blocking: false) }
        defer { clients.forEach { close($0) } }
        let evidence = Self.census { evidence in
            evidence.sockets.contains { $0.state == .listen && $0.local.port == server.port && $0.receiveQueue >= 2 }
        }
        let listener = try #require(SocketCensus(evidence.sockets).listeners.first { $0.endpoint.port == server.port })
        #expect(listener.acceptQueue == 2, "backlog + 1 connections fit (sk_acceptq_is_full uses >)")
        #expect(listener.backlog == nil, "/proc/net/tcp does not show the backlog")
        #expect(listener.process?.pid == getpid())
        #expect((evidence.counters["TcpExtListenOverflows"] ?? 0) > before, "the overflow is counted")
    }
}
