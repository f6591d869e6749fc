import Foundation

/// One rule: the hazard, where it applies, how to detect it, and what to say. Rules are data (`rules/*.yaml`);
/// a `builtin` rule documents a check the engine implements in Swift (syntax, overrides, the kernel model) so
/// that every finding, whatever produces it, has an id, a rationale, references and tested examples.
public struct Rule: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    /// Dotted key patterns; `*` matches one path component.
    public var keys: [String]
    public var kernels: KernelRange
    public var builtin: Bool
    public var conditionText: String?
    public var messageText: String
    public var fixText: String?
    public var rationale: String
    public var references: [String]
    /// The rule file and line the rule came from.
    public var file: String
    public var line: Int
    /// True for the rules compiled into the binary, whose documentation is `docs/rules.md`.
    public var shipped = false
    /// The compiled condition and messages, and the examples: built when a user rule loads, on first use for a
    /// shipped one.
    let parts: RuleParts

    /// The condition and messages, compiled: read once per evaluation, since a deferred rule takes a lock.
    var compiled: RuleParts.Compiled { parts.compiled }
    public var examples: [RuleExample] { parts.examples }
}

/// A config snippet that must (or must not) make its rule fire.
public struct RuleExample: Sendable, Hashable {
    public var config: String
    public var kernel: KernelVersion?
    /// A filesystem root for `--root` examples: path → content, `-> target` for a symbolic link, `<dir>` for a
    /// directory. Loaded with `loader`.
    public var tree: [TreeEntry] = []
    public var loader: LoaderKind = .systemd
    /// `sysctl -a` text of a running kernel, for drift and snapshot examples.
    public var runtime: String?
    /// Saved socket evidence (file name → content: /proc/net copies, `ss -tanp`, `nstat` output), for the
    /// verdicts of `sysctl-lint sockets`.
    public var evidence: [TreeEntry] = []
    /// A miniature /proc (path → content, `-> target` for a link such as `fd/3 -> socket:[123]`), read the way
    /// `sockets` reads a live host: for the verdicts that need processes.
    public var proc: [TreeEntry] = []
    /// A file of another format (a Kubernetes manifest, a Compose file, Ansible tasks): name → content, read as
    /// `sysctl-lint NAME` reads it.
    public var source: [TreeEntry] = []
    /// Bytes of filler appended to the first line, for examples about size limits that cannot be written out.
    public var filler: Int?
    public var triggers: Bool
    public var line: Int

    /// The example as file text. `<BOM>` stands for a byte-order mark, which YAML itself would drop.
    public struct TreeEntry: Sendable, Hashable {
        public var path: String
        public var content: String
    }

    /// The example as a reader sees it in `explain`: config lines, then tree entries and running values.
    public var displayLines: [String] {
        var lines = config.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if config.isEmpty { lines = [] }
        if !tree.isEmpty {
            lines.append("tree (\(loader.displayName)):")
            for entry in tree {
                let shown = entry.content.hasPrefix("-> ") || entry.content == "<dir>" ? entry.content
                    : ": " + entry.content.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "; ")
                lines.append(entry.content.hasPrefix("-> ") || entry.content == "<dir>" ? "  /\(entry.path) \(shown)" : "  /\(entry.path)\(shown)")
            }
        }
        for entry in source {
            lines.append("\(entry.path):")
            lines += entry.content.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        if !proc.isEmpty {
            lines.append("/proc of the host:")
            for entry in proc {
                let shown = entry.content.hasPrefix("-> ") ? " " + entry.content
                    : ": " + entry.content.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "; ")
                lines.append("  /proc/\(entry.path)\(shown)")
            }
        }
        if !evidence.isEmpty {
            lines.append("socket evidence:")
            for entry in evidence {
                lines.append("  \(entry.path):")
                lines += entry.content.trimmingCharacters(in: .newlines).split(separator: "\n").map { "    " + $0 }
            }
        }
        if let runtime {
            lines.append("running values:")
            lines += runtime.trimmingCharacters(in: .newlines).split(separator: "\n").map { "  " + $0 }
        }
        return lines.map(Self.visible)
    }

    /// Control characters as `<NUL>`, `<CR>` or `<U+001B>`, so that a terminal or a Markdown page shows them.
    static func visible(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" || $0.value == 0x7F }) else { return line }
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar.value {
            case 0: out += "<NUL>"
            case 0x0D: out += "<CR>"
            case 0x09, 0x0A: out.unicodeScalars.append(scalar)
            case 0..<0x20, 0x7F: out += "<U+" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16, uppercase: true) + ">"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public var text: String {
        let config = self.config.replacingOccurrences(of: "<BOM>", with: "\u{FEFF}")
        guard let filler, filler > 0 else { return config }
        var lines = config.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] += String(repeating: "x", count: filler)
        return lines.joined(separator: "\n")
    }
}
