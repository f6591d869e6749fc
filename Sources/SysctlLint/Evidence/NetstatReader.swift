/// Reads saved `netstat -tanp` / `netstat -tanpo` output and a sosreport's `netstat -W -neopa` (net-tools
/// netstat.c `tcp_do_one`, which formats /proc/net/tcp):
///
///     Proto Recv-Q Send-Q Local Address   Foreign Address   State       User  Inode  PID/Program name  Timer
///     tcp        1      0 127.0.0.1:18080 0.0.0.0:*         LISTEN      0     62442  6449/python3      off (0.00/0/0)
///
/// Only `tcp` and `tcp6` rows are read; the optional columns (`-e`: User, Inode; `-p`: PID/Program name; `-o`: Timer)
/// are found from the header. Since netstat reads /proc, a listener's Send-Q is 0, not its backlog.
public struct NetstatReader {
    public init() {}

    public func read(_ lines: LineStream, source: String, into evidence: inout Evidence) {
        var hasUserAndInode = false, hasProgram = false
        var sawProgram = false
        while let line = lines.nextLine() {
            var fields = FieldScanner(line)
            guard let proto = fields.next() else { continue }
            let protocolName = SSReader.text(proto)
            if protocolName == "Proto" {
                let header = SSReader.text(line)
                hasUserAndInode = header.contains("Inode")
                hasProgram = header.contains("PID/Program")
                continue
            }
            guard protocolName == "tcp" || protocolName == "tcp6" else { continue }
            guard evidence.roomForSocket(source: source, line: lines.lineNumber) else { return }
            guard let receive = fields.next().flatMap({ ProcNetTCPReader.decimal($0) }),
                  let send = fields.next().flatMap({ ProcNetTCPReader.decimal($0) }),
                  let local = fields.next().flatMap(Self.endpoint), let foreign = fields.next().flatMap(Self.endpoint),
                  let state = fields.next().flatMap({ TCPState(name: SSReader.text($0)) })
            else {
                evidence.note("not a TCP line of numeric netstat output (netstat -tanp); skipped", file: source, line: lines.lineNumber)
                continue
            }
            var socket = TCPSocket(state: state, local: local, remote: foreign, listedReceive: receive, listedSend: send)
            if hasUserAndInode {
                if let uid = fields.next().flatMap({ ProcNetTCPReader.decimal($0) }) { socket.uid = TCPSocket.clamped(uid) }
                socket.inode = fields.next().flatMap { ProcNetTCPReader.decimal($0) } ?? 0
            }
            if hasProgram, let program = fields.next() {
                let text = SSReader.text(program)
                if let slash = text.firstIndex(of: "/"), let pid = Int32(text[..<slash]) {
                    socket.process = ProcessName(pid: pid, command: String(text[text.index(after: slash)...].prefix(64)))
                    sawProgram = true
                }
            }
            // Timer: `keepalive (7192.90/0/0)`: its name, then seconds/retransmits/probes.
            if let timerName = fields.next(), let timer = SocketTimer(ssName: SSReader.text(timerName)) {
                socket.timer = timer
                let figures = SSReader.text(fields.rest()).filter { $0 != "(" && $0 != ")" }.split(separator: "/")
                if let seconds = figures.first.flatMap({ Double($0) }), seconds.isFinite {
                    socket.timerTicks = UInt32(min(max(seconds * 100, 0), Double(UInt32.max)))
                }
                if figures.count > 1, let retransmits = UInt32(figures[1]) { socket.retransmits = retransmits }
            }
            evidence.sockets.append(socket)
        }
        if sawProgram { evidence.processesKnown = true }
    }

    /// `127.0.0.1:18080`, `0.0.0.0:*`, `::1:18081`, `:::*`, `fe80::1%eth0:22`.
    static func endpoint(_ field: ArraySlice<UInt8>) -> Endpoint? {
        SSReader.endpoint(field)
    }
}
