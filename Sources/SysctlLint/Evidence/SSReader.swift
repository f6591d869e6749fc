#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads saved `ss -tanp` output (and `ss -tan`, `ss -tanpo`, a sosreport's `ss -peaonmi`):
///
///     State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
///     LISTEN     1      5          127.0.0.1:18080      0.0.0.0:*     users:(("nginx",pid=812,fd=6))
///
/// For a listener, Recv-Q is the accept queue's length and Send-Q its backlog (net/ipv4/tcp_diag.c
/// `tcp_diag_get_info`), which /proc/net/tcp does not show. Rows of other protocols (`-a` with a Netid column),
/// the indented detail lines of `-m`/`-i`, and headers are skipped; a row with service names (no `-n`) is noted.
public struct SSReader {
    public init() {}

    public func read(_ lines: LineStream, source: String, into evidence: inout Evidence) {
        var sawProcess = false
        while let line = lines.nextLine() {
            guard let first = line.first, !UTF8Text.isBlank(first) else { continue }  // detail lines of -m, -i, -e
            var fields = FieldScanner(line)
            guard var word = fields.next() else { continue }
            if Self.text(word) == "Netid" || Self.text(word) == "State" { continue }
            if Self.netids.contains(Self.text(word)) {
                guard Self.text(word).hasPrefix("tcp") else { continue }
                guard let next = fields.next() else { continue }
                word = next
            }
            guard evidence.roomForSocket(source: source, line: lines.lineNumber) else { return }
            guard let state = TCPState(name: Self.text(word)),
                  let receive = fields.next().flatMap({ ProcNetTCPReader.decimal($0) }),
                  let send = fields.next().flatMap({ ProcNetTCPReader.decimal($0) }),
                  let local = fields.next().flatMap(Self.endpoint), let peer = fields.next().flatMap(Self.endpoint)
            else {
                evidence.note("not a TCP socket line of numeric ss output (ss -tanp); skipped", file: source, line: lines.lineNumber)
                continue
            }
            var socket = TCPSocket(state: state, local: local, remote: peer, listedReceive: receive, listedSend: send)
            let rest = Self.text(fields.rest())
            if let users = rest.range(of: "users:((\"") {
                sawProcess = true
                socket.process = Self.process(String(rest[users.upperBound...]))
            }
            if let timer = rest.range(of: "timer:(") {
                let inside = rest[timer.upperBound...].prefix { $0 != ")" }.split(separator: ",")
                if let name = inside.first, let kind = SocketTimer(ssName: name) { socket.timer = kind }
                if inside.count >= 3, let count = UInt32(inside[2]) { socket.retransmits = count }
                if inside.count >= 2 { socket.timerTicks = Self.ticks(inside[1]) }
            }
            if let inode = rest.range(of: "ino:") {
                socket.inode = UInt64(rest[inode.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            if state == .listen { evidence.backlogsKnown = true }
            evidence.sockets.append(socket)
        }
        if sawProcess { evidence.processesKnown = true }
    }

    static let netids: Set<String> = ["tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "nl", "p_raw", "p_dgr", "mptcp", "sctp", "dccp", "tipc", "xdp", "v_str", "v_dgr", "u_seqpacket", "icmp6"]

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// `127.0.0.1:18080`, `[::1]:443`, `*:22`, `0.0.0.0:*`, `10.0.0.1%eth0:53`; nil for names (`localhost:ssh`).
    static func endpoint(_ field: ArraySlice<UInt8>) -> Endpoint? {
        let text = Self.text(field)
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        let port: UInt16
        if portText == "*" { port = 0 } else if let number = UInt16(portText) { port = number } else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        if host == "*" { return Endpoint(address: IPAddress(ipv4: 0), port: port) }
        guard let address = parseAddress(host) else { return nil }
        return Endpoint(address: address, port: port)
    }

    /// Dotted IPv4 or any IPv6 text form, through inet_pton.
    static func parseAddress(_ text: String) -> IPAddress? {
        guard text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return IPAddress(ipv4: UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return IPAddress(high: high, low: low)
    }

    /// `"nginx",pid=812,fd=6),(…` → nginx (pid 812).
    static func process(_ text: String) -> ProcessName? {
        guard let quote = text.firstIndex(of: "\"") else { return nil }
        let command = String(text[..<quote].prefix(64))
        guard let pidStart = text.range(of: "pid=") else { return nil }
        let pid = Int32(text[pidStart.upperBound...].prefix { $0.isNumber }.prefix(10)) ?? 0
        return ProcessName(pid: pid, command: command)
    }

    /// `52sec`, `119min`, `1.5ms` … as hundredths of a second (iproute2 misc/ss.c `print_ms_timer`).
    static func ticks(_ text: Substring) -> UInt32 {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number.isFinite else { return 0 }
        let unit = text.dropFirst(digits.count)
        let seconds: Double = unit.hasPrefix("min") ? number * 60 : unit.hasPrefix("ms") ? number / 1000 : unit.hasPrefix("sec") ? number : number
        return UInt32(min(max(seconds * 100, 0), Double(UInt32.max)))
    }
}
