import Foundation
import Testing
@testable import SysctlLint

/// A snapshot's rows against the definition they replace: each line's key and value made strings, a repeated key
/// continuing the last value, the state built assignment by assignment. Random `sysctl -a` text with the cases
/// the rows treat apart: dotted, slash and undotted keys, keys that need simplifying, globs, non-ASCII and invalid
/// UTF-8, repeats next to each other and far apart, `key=value`, blank, comment and stderr lines.
@Suite struct SnapshotTableTests {
    static let keys: [[UInt8]] = [
        "net.ipv4.tcp_fin_timeout", "net/ipv4/tcp_fin_timeout", "net.ipv4.conf.eth0/100.rp_filter", "vm.swappiness",
        "kernel.osrelease", "net..ipv4.x", "net.ipv4.", "/kernel/printk", "kernel", "net.ipv4.conf.*.rp_filter",
        "kernel.héllo", "\u{212A}ernel.x", "Kernel.x", "a./.b", "net.ipv6.tcp_x", "net.ipv4.tcp_retries2",
    ].map { Array($0.utf8) } + [[0x6B, 0xFF, 0x2E, 0x61], [0x6B, 0xFE, 0x2E, 0x61], []]
    static let values: [[UInt8]] = ["0", "60", "4096\t131072", "", " spaced ", "3", "é", "10"].map { Array($0.utf8) } + [[0xC3]]

    /// One random line of a saved `sysctl -a`.
    static func line(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let key = keys.randomElement(using: &generator)!, value = values.randomElement(using: &generator)!
        switch Int.random(in: 0..<20, using: &generator) {
        case 0: return []
        case 1: return Array("# note".utf8)
        case 2: return Array("sysctl: permission denied on key 'kernel.cad_pid'".utf8)
        case 3: return key + Array("=".utf8) + value
        case 4: return Array("no separator here".utf8)
        default: return key + Array(" = ".utf8) + value
        }
    }

    /// The entries as each line's strings give them, with `sysctl -a`'s repeated `key =` continuing a value.
    static func expectedEntries(_ lines: [[UInt8]]) -> [RuntimeSnapshot.Entry] {
        var entries: [RuntimeSnapshot.Entry] = []
        for (offset, bytes) in lines.enumerated() {
            let text = String(decoding: bytes, as: UTF8.self)
            let trimmed = text.trimmingSpaces()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("sysctl: ") else { continue }
            let key: String, value: String
            if let separator = bytes.indices.dropLast(2).first(where: { bytes[$0] == 0x20 && bytes[$0 + 1] == 0x3D && bytes[$0 + 2] == 0x20 }) {
                key = String(decoding: bytes[..<separator], as: UTF8.self).trimmingSpaces()
                value = String(decoding: bytes[(separator + 3)...], as: UTF8.self)
            } else if let equals = bytes.firstIndex(of: 0x3D) {
                key = String(decoding: bytes[..<equals], as: UTF8.self).trimmingSpaces()
                value = String(decoding: bytes[(equals + 1)...], as: UTF8.self).trimmingSpaces()
            } else {
                continue
            }
            if let last = entries.last, last.key == key {
                entries[entries.count - 1].value += "\n" + value
            } else {
                entries.append(RuntimeSnapshot.Entry(key: key, value: value, line: offset + 1))
            }
        }
        return entries
    }

    @Test func rowsMatchTheLinesTheyWereReadFrom() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let lines = (0..<Int.random(in: 0..<24, using: &generator)).map { _ in Self.line(using: &generator) }
            let text = lines.joined(separator: [0x0A]).map { $0 }
            let snapshot = SysctlDumpReader().read(LineStream(bytes: text), source: "s.txt")
            let expected = Self.expectedEntries(lines)
            #expect(snapshot.entries == expected, "\(String(decoding: text, as: UTF8.self).debugDescription)")
            #expect(snapshot.release == expected.first { $0.key == "kernel.osrelease" }?.value)
            #expect(snapshot.assignments.map(\.key) == expected.map { SysctlKey($0.key) })

            let whole = EffectiveState(runtime: snapshot)
            let byLine = EffectiveState(files: [snapshot.parsedFile()])
            #expect(whole.winners == byLine.winners)
            #expect(whole.globs == byLine.globs)
            for key in Self.keys.map({ String(decoding: $0, as: UTF8.self) }) {
                #expect(whole.assignment(for: key) == byLine.assignment(for: key), "\(key.debugDescription)")
            }
        }
    }

    /// Rules find the rows they watch through the snapshot's index: the findings are those of the same values
    /// resolved line by line (a glob that matches no key makes the state resolve them so).
    @Test func rulesFindTheRowsTheyWatch() {
        var text = "kernel.osrelease = 6.8.0\n"
        for index in 0..<3_000 { text += "net.ipv4.conf.veth\(index).rp_filter = 2\n" }
        text += "net.ipv4.tcp_keepalive_time = 10\nnet.ipv4.tcp_retries2 = 3\nnet.ipv6.tcp_fin_timeout = 1\n"
        text += "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_fin_timeout = 5\nvm.swappiness = 60\n"
        let linter = Linter(knowledge: Fixtures.knowledge)
        let taken = linter.lint(LintRequest(runtime: SysctlDumpReader().read(text: text, source: "s.txt")))
        let resolved = linter.lint(LintRequest(runtime: SysctlDumpReader().read(text: text + "zz.none* = 1\n", source: "s.txt")))
        #expect(!taken.findings.isEmpty)
        #expect(taken.findings == resolved.findings.filter { $0.key != "zz.none*" && $0.location?.line != 3_008 })
    }
}
