import Foundation

/// The boot-time loader whose rules decide which files of a tree apply, and in which order.
public enum LoaderKind: String, Sendable, CaseIterable {
    /// systemd-sysctl: the loader most distributions run at boot. Skips hidden files and does not read
    /// /etc/sysctl.conf (distributions link it in as 99-sysctl.conf).
    case systemd
    /// procps `sysctl --system`: also reads /lib/sysctl.d and hidden files, and applies /etc/sysctl.conf last.
    case procps

    /// Directories in priority order: the first to hold a file name owns it.
    public var directories: [String] {
        let common = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d"]
        return self == .procps ? common + ["/lib/sysctl.d"] : common
    }

    public var displayName: String { self == .procps ? "procps sysctl --system" : "systemd-sysctl" }
}

/// The files a tree applies, in order, and what the loader does with the rest.
public struct ConfigTree: Sendable {
    public var sources: [SourceText]
    public var findings: [Finding]
}

/// Loads a filesystem root the way the chosen boot-time loader would: directory priority, same-name masking
/// (including `/dev/null` links), one byte-order sort across directories, hidden files, and `/etc/sysctl.conf`.
public struct ConfigTreeLoader: Sendable {
    public let fileSystem: RootedFileSystem
    public let loader: LoaderKind
    public var reader = InputReader()

    public init(root: String, loader: LoaderKind) {
        fileSystem = RootedFileSystem(root: root)
        self.loader = loader
    }

    private struct Candidate {
        var name: String
        var inner: String
        var resolution: RootedFileSystem.Resolution
    }

    public func load() -> ConfigTree {
        var findings: [Finding] = []
        var owners: [String: Candidate] = [:]
        for directory in loader.directories {
            guard case .directory(let host) = fileSystem.resolve(directory).node,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: host) else { continue }
            for name in names.sorted(by: Self.byteOrder) where name.hasSuffix(".conf") {
                let inner = directory + "/" + name
                if let owner = owners[name] {
                    findings.append(note("tree-shadowed-file", .info, inner,
                        "not read: \(fileSystem.display(owner.inner)) has the same name in a higher-priority directory, and the first directory holding a name owns it"))
                    continue
                }
                if name.hasPrefix(".") {
                    if loader == .systemd {
                        findings.append(note("tree-hidden-file", .warning, inner,
                            "hidden file: systemd-sysctl skips it, but procps sysctl --system applies it, so the two loaders disagree"))
                        continue
                    }
                    findings.append(note("tree-hidden-file", .warning, inner,
                        "hidden file: procps sysctl --system applies it, but systemd-sysctl skips it, so the two loaders disagree"))
                }
                owners[name] = Candidate(name: name, inner: inner, resolution: fileSystem.resolve(inner))
            }
        }
        var sources: [SourceText] = []
        var readHosts: [String: String] = [:]
        for candidate in owners.values.sorted(by: { Self.byteOrder($0.name, $1.name) }) {
            if let source = read(candidate.inner, candidate.resolution, masking: true, findings: &findings) {
                sources.append(source)
                if case .file(let host) = candidate.resolution.node { readHosts[host] = candidate.inner }
            }
        }
        sysctlConf(sources: &sources, readHosts: readHosts, findings: &findings)
        return ConfigTree(sources: sources, findings: findings)
    }

    /// procps applies /etc/sysctl.conf after every sysctl.d file; systemd-sysctl never reads it by itself.
    private func sysctlConf(sources: inout [SourceText], readHosts: [String: String], findings: inout [Finding]) {
        let inner = "/etc/sysctl.conf"
        let resolution = fileSystem.resolve(inner)
        guard case .file(let host) = resolution.node else { return }
        let linkedAs = readHosts[host]
        switch loader {
        case .procps:
            if let linkedAs {
                findings.append(note("sysctl-conf-applied-twice", .info, inner,
                    "procps sysctl --system applies this file twice: as \(fileSystem.display(linkedAs)) in the sysctl.d order, then again last, so its values override every sysctl.d file"))
            }
            if let source = read(inner, resolution, masking: false, findings: &findings) { sources.append(source) }
        case .systemd:
            guard linkedAs == nil else { return }
            let settings = (try? reader.read(host).first).map { ConfigParser().parse($0).assignments.count } ?? 0
            guard settings > 0 else { return }
            findings.append(note("sysctl-conf-ignored", .warning, inner,
                "systemd-sysctl does not read /etc/sysctl.conf (not since systemd 207), and no sysctl.d file links to it: \(settings == 1 ? "its one setting is" : "its \(settings) settings are") not applied at boot (procps sysctl --system would apply the file last)"))
        }
    }

    /// Reads one selected file, or reports why the loader cannot.
    private func read(_ inner: String, _ resolution: RootedFileSystem.Resolution, masking: Bool,
                      findings: inout [Finding]) -> SourceText? {
        let shown = fileSystem.display(inner)
        if resolution.climbedOutOfRoot {
            findings.append(note("tree-link-leaves-root", .warning, inner,
                "a symbolic link on this path climbs above the root; it was resolved inside the root (as at boot inside it), so nothing outside \(fileSystem.displayRoot) was read"))
        }
        switch resolution.node {
        case .devNull:
            if masking {
                findings.append(note("tree-masked-file", .info, inner,
                    "links to /dev/null: it reads as empty and masks every \((inner as NSString).lastPathComponent) in lower-priority directories"))
            }
            return nil
        case .missing:
            let message = loader == .procps
                ? "dangling symbolic link (to \(resolution.innerPath) inside the root): procps sysctl --system prints 'cannot open' and exits 1"
                : "dangling symbolic link (to \(resolution.innerPath) inside the root): systemd-sysctl skips it silently, so none of its settings apply"
            findings.append(note("tree-dangling-link", loader == .procps ? .error : .warning, inner, message))
            return nil
        case .directory:
            let message = loader == .systemd
                ? "is a directory named like a config file: systemd-sysctl fails on it ('Is a directory') and exits 1"
                : "is a directory named like a config file: procps sysctl --system skips it silently"
            findings.append(note("tree-conf-directory", loader == .systemd ? .error : .info, inner, message))
            return nil
        case .unreadable(let reason):
            findings.append(note("tree-unreadable-file", .error, inner,
                "cannot be read (\(reason)): both loaders report it and exit 1, and none of its settings apply"))
            return nil
        case .file(let host):
            do {
                var source = try reader.read(host)[0]
                source.path = shown
                return source
            } catch {
                findings.append(note("tree-unreadable-file", .error, inner, "cannot be read: \(error.message)"))
                return nil
            }
        }
    }

    private func note(_ rule: String, _ severity: Severity, _ inner: String, _ message: String) -> Finding {
        Finding(rule: rule, severity: severity, location: SourceLocation(file: fileSystem.display(inner), line: 1, column: 1),
                message: message, fix: Self.fixes[rule])
    }

    /// What to do about each finding of the tree, the same whichever file it names.
    static let fixes: [String: String] = [
        "tree-shadowed-file": "nothing, if overriding the lower file is the intent; otherwise give one of the files another name",
        "tree-masked-file": "nothing, if disabling the file is the intent; remove the link to apply it again",
        "tree-hidden-file": "rename the file without the leading dot if it should apply, or delete it",
        "tree-dangling-link": "point the link at a file that exists inside the tree, or remove it",
        "tree-conf-directory": "rename the directory so that it does not end in .conf",
        "tree-unreadable-file": "make the file a readable text file (mode 0644), or remove it",
        "tree-link-leaves-root": "use a link target inside the tree (relative, or absolute from the tree's root)",
        "sysctl-conf-ignored": "move the settings into /etc/sysctl.d/, or link /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf",
        "sysctl-conf-applied-twice": "nothing, if sysctl.conf should win; otherwise move its settings into /etc/sysctl.d/",
    ]

    /// strcmp order, as both loaders sort: `10-x` before `9-x`, `Z` before `a`.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}
