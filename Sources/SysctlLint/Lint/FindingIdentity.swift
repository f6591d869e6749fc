/// What a finding is about, without where it sits: file, rule, key and value. Moving lines or adding settings
/// above does not change it, so baselines and CI fingerprints (GitLab, SARIF) survive edits that do not touch
/// the setting itself. `occurrence` tells apart findings that share all four (the same key set twice in a file).
public struct FindingIdentity: Sendable, Hashable, Codable {
    public var file: String
    public var rule: String
    public var key: String
    public var value: String
    public var occurrence: Int

    /// Identities for findings in report order; `paths` makes file names independent of the working directory.
    public static func assign(_ findings: [Finding], paths: ReportPaths) -> [FindingIdentity] {
        assign(findings, file: paths.relative, includeValue: true)
    }

    /// `file` names a finding's file; without `includeValue` a finding keeps its identity when its key's value
    /// changes (the change review lists value changes on their own). A finding without a key or value is told
    /// apart by its message.
    static func assign(_ findings: [Finding], file: (String) -> String, includeValue: Bool) -> [FindingIdentity] {
        var seen: [FindingIdentity: Int] = [:]
        return findings.map { finding in
            var identity = FindingIdentity(
                file: finding.location.map { file($0.file) } ?? "",
                rule: finding.rule,
                key: [finding.host, finding.key].compactMap { $0 }.joined(separator: "@"),
                value: (includeValue ? finding.value : nil) ?? (finding.key == nil ? finding.message : ""),
                occurrence: 0)
            let count = seen[identity, default: 0]
            seen[identity] = count + 1
            identity.occurrence = count
            return identity
        }
    }

    /// A stable hexadecimal digest (FNV-1a, 128 bits from two seeds): identical across runs and machines.
    public var fingerprint: String {
        let text = [file, rule, key, value, String(occurrence)].joined(separator: "\u{1F}")
        return Self.fnv1a(text, seed: 0xcbf2_9ce4_8422_2325) + Self.fnv1a(text, seed: 0x6c62_272e_07bb_0142)
    }

    private static func fnv1a(_ text: String, seed: UInt64) -> String {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
