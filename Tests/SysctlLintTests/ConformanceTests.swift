import Foundation
import Testing
@testable import SysctlLint

/// The parser and the effective-state resolver against what real loaders wrote (../shared/conformance/loaders).
/// Reference dialects: procps-ng 4.0.2 and systemd 252. Where the two loaders differ on a line, the tool's state
/// follows one of them and reports the line; those cases are listed with the finding that must explain them.
@Suite(.needsSharedCorpus) struct ConformanceTests {
    static let loaders = Fixtures.shared.appendingPathComponent("conformance/loaders")

    /// The fixture /proc/sys the cases ran against (README of the corpus).
    static let fixture: [String: String] = {
        var tree = ["kernel/hostname": "vm", "kernel/domainname": "(none)", "kernel/sysrq": "0", "vm/swappiness": "60",
                    "fs/protected_fifos": "0", "fs/protected_hardlinks": "0", "fs/protected_regular": "0",
                    "fs/protected_symlinks": "0", "net/ipv4/ip_forward": "0", "net/ipv4/ip_local_port_range": "32768\t60999",
                    "net/ipv4/tcp_rmem": "4096\t131072\t6291456", "net/ipv4/route/flush": ""]
        for interface in ["all", "default", "lo", "eth0", "eth1", "eth0.100"] {
            tree["net/ipv4/conf/\(interface)/rp_filter"] = "1"
            tree["net/ipv4/conf/\(interface)/forwarding"] = "0"
        }
        return tree
    }()

    /// Cases where the tool's state follows the other loader, and the finding that tells the user.
    static let procpsDivergences = ["20-dash-space.conf": "dash-space", "44-trailing-separator.conf": "trailing-separator"]
    static let systemdDivergences = [
        "21-double-dash.conf": "double-dash", "57-vertical-tab-formfeed.conf": "control-whitespace",
        "91-lone-cr.conf": "lone-carriage-return", "92-vt-ff.conf": "control-whitespace",
        "01-assign-then-exclude.conf": "excluded-after-assignment",
    ]

    /// results_all.txt records long values cut short; for these cases the recorded value must be a prefix.
    static let truncatedInRecord: Set<String> = ["54-long-value-5000.conf", "56-long-value-2100.conf"]

    static func agree(_ predicted: [String: String], _ recorded: [String: String], _ name: String) -> Bool {
        guard truncatedInRecord.contains(name) else { return predicted == recorded }
        return predicted.keys.sorted() == recorded.keys.sorted()
            && recorded.allSatisfy { key, value in predicted[key]?.hasPrefix(value) == true && value.count >= 100 }
    }

    struct Observation: Sendable, CustomTestStringConvertible {
        var caseName: String
        var casePath: String
        var procps: [String: String]
        var systemd: [String: String]
        var testDescription: String { caseName }
    }

    static let observations: [Observation] = {
        guard let data = FileManager.default.contents(atPath: loaders.appendingPathComponent("results_all.txt").path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var result: [Observation] = []
        var current: Observation?
        var loader = ""
        var systemdWrites: [(String, String)] = []
        func finish() {
            guard var observation = current else { return }
            var final: [String: String] = [:]
            for (path, value) in systemdWrites { final[path] = value }
            observation.systemd = final.filter { fixture[$0.key] != nil && fixture[$0.key] != $0.value }
            result.append(observation)
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.drop { $0 == " " }
            if line.hasPrefix("=== ") {
                finish()
                let name = String(line.dropFirst(4).prefix { $0 != ":" })
                let folder = FileManager.default.fileExists(atPath: loaders.appendingPathComponent("cases/\(name)").path) ? "cases" : "cases2"
                current = Observation(caseName: "\(folder)/\(name)", casePath: loaders.appendingPathComponent("\(folder)/\(name)").path,
                                      procps: [:], systemd: [:])
                systemdWrites = []
            } else if line.hasPrefix("[") {
                loader = String(line.dropFirst().prefix { $0 != "]" })
            } else if loader == "procps-4.0.2", let arrow = line.range(of: " <- ") {
                current?.procps[String(line[..<arrow.lowerBound])] = decodeShellQuoted(String(line[arrow.upperBound...]))
            } else if loader == "systemd-252", line.hasPrefix("log: Setting '/proc/sys/"), let to = line.range(of: "' to '") {
                let path = String(line[line.index(line.startIndex, offsetBy: "log: Setting '/proc/sys/".count)..<to.lowerBound])
                systemdWrites.append((path, String(line[to.upperBound...].dropLast())))
            } else if loader == "systemd-252", line.hasPrefix("log: Couldn't write"), let to = line.range(of: "' to '") {
                let path = String(line[to.upperBound...].prefix { $0 != "'" })
                if let last = systemdWrites.lastIndex(where: { $0.0 == path }) { systemdWrites.remove(at: last) }
            }
        }
        finish()
        return result
    }()

    /// What the tool predicts each fixture file ends up holding.
    static func predictedWrites(_ observation: Observation) -> ([String: String], [Finding]) {
        let bytes = [UInt8](FileManager.default.contents(atPath: observation.casePath) ?? Data())
        let parsed = ConfigParser().parse(SourceText(path: observation.casePath, bytes: bytes))
        let state = EffectiveState(files: [parsed])
        var writes: [String: String] = [:]
        for (path, initial) in fixture {
            if let assignment = state.assignment(for: path), assignment.value != initial { writes[path] = assignment.value }
        }
        let findings = Linter(knowledge: Fixtures.knowledge).lint(parsed: [parsed]).findings
        return (writes, findings)
    }

    @Test func corpusIsPresent() {
        #expect(Self.observations.count >= 70)
    }

    @Test(arguments: observations)
    func procps4(_ observation: Observation) {
        let (writes, findings) = Self.predictedWrites(observation)
        let name = (observation.casePath as NSString).lastPathComponent
        if let rule = Self.procpsDivergences[name] {
            #expect(writes != observation.procps, "no longer diverges; update the list")
            #expect(findings.contains { $0.rule == rule }, "divergence must be reported as \(rule)")
        } else {
            #expect(Self.agree(writes, observation.procps, name), "\(writes.mapValues { $0.prefix(80) }) != \(observation.procps.mapValues { $0.prefix(80) })")
        }
    }

    @Test(arguments: observations)
    func systemd252(_ observation: Observation) {
        let (writes, findings) = Self.predictedWrites(observation)
        let name = (observation.casePath as NSString).lastPathComponent
        if let rule = Self.systemdDivergences[name] {
            #expect(findings.contains { $0.rule == rule }, "divergence must be reported as \(rule)")
        } else {
            #expect(Self.agree(writes, observation.systemd, name), "\(writes.mapValues { $0.prefix(80) }) != \(observation.systemd.mapValues { $0.prefix(80) })")
        }
    }

    /// Decodes bash `printf %q` output: plain with backslash escapes, '' and $'…' (with octal escapes).
    static func decodeShellQuoted(_ text: String) -> String {
        if text == "''" { return "" }
        var bytes: [UInt8] = []
        let chars = Array(text.utf8)
        if text.hasPrefix("$'") && text.hasSuffix("'") {
            var i = 2
            while i < chars.count - 1 {
                if chars[i] == UInt8(ascii: "\\"), i + 1 < chars.count - 1 {
                    let next = chars[i + 1]
                    switch next {
                    case UInt8(ascii: "t"): bytes.append(9); i += 2
                    case UInt8(ascii: "n"): bytes.append(10); i += 2
                    case UInt8(ascii: "r"): bytes.append(13); i += 2
                    case UInt8(ascii: "v"): bytes.append(11); i += 2
                    case UInt8(ascii: "f"): bytes.append(12); i += 2
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var value = 0, j = i + 1
                        while j < chars.count - 1, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(chars[j]) {
                            value = value * 8 + Int(chars[j] - UInt8(ascii: "0")); j += 1
                        }
                        bytes.append(UInt8(truncatingIfNeeded: value)); i = j
                    default: bytes.append(next); i += 2
                    }
                } else {
                    bytes.append(chars[i]); i += 1
                }
            }
        } else {
            var i = 0
            while i < chars.count {
                if chars[i] == UInt8(ascii: "\\"), i + 1 < chars.count { bytes.append(chars[i + 1]); i += 2 } else { bytes.append(chars[i]); i += 1 }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
