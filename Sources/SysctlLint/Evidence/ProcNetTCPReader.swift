/// Reads /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c `get_tcp4_sock`, `get_openreq4`,
/// `get_timewait4_sock`; the IPv6 twins in net/ipv6/tcp_ipv6.c), the same in every release from 3.10 to 6.18:
///
///     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
///      0: 0100007F:1F90 00000000:0000 0A 00000000:00000001 00:00000000 00000000  1000        0 28714 …
///
/// Addresses are the network-order words printed as CPU integers, so on the little-endian hosts that run nearly
/// every fleet (x86-64, arm64) `0100007F` is 127.0.0.1; ports are in host order. Fields after `inode` differ by
/// kind of socket and release and are ignored. The reader streams: memory grows with the sockets kept, never with
/// the file, and stops at `EvidenceLimits.maxSockets`.
public struct ProcNetTCPReader {
    public init() {}

    public func read(_ lines: LineStream, source: String, into evidence: inout Evidence) {
        while let line = lines.nextLine() {
            if lines.lineNumber == 1, line.contains(UInt8(ascii: "l")) { continue }  // the header ("sl  local_address …")
            guard evidence.roomForSocket(source: source, line: lines.lineNumber) else { return }
            if let socket = Self.socket(line) {
                evidence.sockets.append(socket)
            } else if line.contains(where: { !UTF8Text.isBlank($0) }) {
                evidence.note("not a socket line of /proc/net/tcp (cut short, or another file); skipped", file: source, line: lines.lineNumber)
            }
        }
    }

    /// One line, or nil when it is not a complete socket line.
    static func socket(_ line: ArraySlice<UInt8>) -> TCPSocket? {
        var fields = FieldScanner(line)
        guard let slot = fields.next(), slot.last == UInt8(ascii: ":"),
              let local = fields.next().flatMap(endpoint), let remote = fields.next().flatMap(endpoint),
              let stateField = fields.next(), let stateCode = hex(stateField), let state = TCPState(rawValue: UInt8(truncatingIfNeeded: stateCode)),
              stateCode <= 0xFF,
              let queues = fields.next().flatMap({ pair($0) }), let timing = fields.next().flatMap({ pair($0) }),
              let retransmits = fields.next().flatMap(hex), let uid = fields.next().flatMap(decimal),
              fields.next().flatMap(decimal) != nil, let inode = fields.next().flatMap(decimal)
        else { return nil }
        return TCPSocket(state: state, local: local, remote: remote,
                         sendQueue: TCPSocket.clamped(queues.0), receiveQueue: TCPSocket.clamped(queues.1),
                         timer: SocketTimer(rawValue: UInt8(truncatingIfNeeded: min(timing.0, 0xFF))) ?? .off,
                         timerTicks: TCPSocket.clamped(timing.1), retransmits: TCPSocket.clamped(retransmits),
                         uid: TCPSocket.clamped(uid), inode: inode)
    }

    /// `0100007F:1F90` or 32 hex digits and a port.
    static func endpoint(_ field: ArraySlice<UInt8>) -> Endpoint? {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")),
              let port = hex(field[(colon + 1)...]), port <= 0xFFFF else { return nil }
        let address = field[..<colon]
        switch address.count {
        case 8:
            guard let word = hex(address) else { return nil }
            return Endpoint(address: IPAddress(ipv4: UInt32(truncatingIfNeeded: word).byteSwapped), port: UInt16(port))
        case 32:
            var words: [UInt64] = []
            var start = address.startIndex
            for _ in 0..<4 {
                guard let word = hex(address[start..<(start + 8)]) else { return nil }
                words.append(UInt64(UInt32(truncatingIfNeeded: word).byteSwapped))
                start += 8
            }
            return Endpoint(address: IPAddress(high: words[0] << 32 | words[1], low: words[2] << 32 | words[3]), port: UInt16(port))
        default:
            return nil
        }
    }

    /// `00000000:00000001` → (0, 1).
    static func pair(_ field: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")),
              let first = hex(field[..<colon]), let second = hex(field[(colon + 1)...]) else { return nil }
        return (first, second)
    }

    /// Up to 16 hex digits; nil for anything else (so no value can overflow).
    static func hex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// Up to 19 decimal digits (no sign); nil for anything else.
    static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Whitespace-separated fields of a line of bytes, without copying.
struct FieldScanner {
    private let line: ArraySlice<UInt8>
    private var index: Int

    init(_ line: ArraySlice<UInt8>) {
        self.line = line
        index = line.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        while index < line.endIndex, UTF8Text.isBlank(line[index]) { index += 1 }
        guard index < line.endIndex else { return nil }
        let start = index
        while index < line.endIndex, !UTF8Text.isBlank(line[index]) { index += 1 }
        return line[start..<index]
    }

    /// What is left of the line, from the next field on.
    mutating func rest() -> ArraySlice<UInt8> {
        while index < line.endIndex, UTF8Text.isBlank(line[index]) { index += 1 }
        return line[index...]
    }
}
