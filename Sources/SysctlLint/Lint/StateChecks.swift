import DataTree
/// Built-in checks on the effective state against the kernel model: overridden and excluded assignments,
/// keys the target kernel lacks, values it would reject, inline comments.
struct StateChecks {
    let state: EffectiveState
    let catalogue: ParameterCatalogue
    let kernel: KernelVersion
    /// The references of `overridden-assignment`, given to its findings as they are made: a large file has one for
    /// most of its lines, and giving them afterwards changed each finding once more.
    var overrideReferences: [String] = []
    var writeCheck: WriteCheck { WriteCheck(state: state, catalogue: catalogue, kernel: kernel) }

    /// Families whose members depend on interfaces, devices or loaded modules: an absent key there is not a typo.
    static let openFamilies = ["net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh.",
                               "net.netfilter.", "net.bridge.", "dev.", "fs.binfmt_misc.", "sunrpc.", "fs.nfs.", "net.mptcp."]

    func run() -> [Finding] {
        var findings: [Finding] = []
        run(into: &findings)
        return findings
    }

    /// Appends in place: a large file has a finding for most of its lines, and every array appended to another
    /// copied each of them once more.
    func run(into findings: inout [Finding]) {
        overrides(into: &findings)
        findings += globsOverridden()
        findings += laterExclusions()
        let foreign = bsdFiles()
        state.forEachEffectiveAssignment { assignment in
            guard !foreign.contains(assignment.location.file) else { return }
            findings += keyChecks(assignment)
        }
        findings += foreign.sorted().compactMap(bsdFinding)
    }

    /// Key prefixes only the BSDs have (FreeBSD, OpenBSD, NetBSD, DragonFly): `kern.ipc.somaxconn`,
    /// `net.inet.tcp.msl`. Linux has no kern, hw, vfs, machdep or security tree and no net.inet.
    static let bsdPrefixes = ["kern.", "hw.", "vfs.", "machdep.", "security.", "net.inet.", "net.inet6.", "net.link.", "net.local.", "ddb.", "compat."]
    /// Prefixes only Linux has: a file with any of these is a Linux file, whatever else it holds.
    static let linuxPrefixes = ["kernel.", "net.ipv4.", "net.ipv6.", "net.core.", "net.netfilter.", "fs.", "net.bridge.", "net.unix."]

    /// Files whose keys are a BSD sysctl.conf's: judged once as such, not key by key as Linux.
    private func bsdFiles() -> Set<String> {
        var bsd: Set<String> = []
        var linux: Set<String> = []
        state.forEachEffectiveAssignment { assignment in
            let name = assignment.key.name
            if Self.bsdPrefixes.contains(where: name.hasPrefix) { bsd.insert(assignment.location.file) }
            if Self.linuxPrefixes.contains(where: name.hasPrefix) { linux.insert(assignment.location.file) }
        }
        return bsd.subtracting(linux)
    }

    private func bsdFinding(_ file: String) -> Finding? {
        let keys = state.effectiveAssignments.filter { $0.location.file == file }
        guard let first = keys.first(where: { assignment in Self.bsdPrefixes.contains(where: assignment.key.name.hasPrefix) }) else { return nil }
        return Finding(
            rule: "bsd-sysctl-file", severity: .info, key: first.key.name, value: first.value, location: first.location,
            message: "this is a BSD sysctl.conf (\(first.key.name)), not a Linux one: its keys are not judged against the Linux kernel model; on Linux none of them exists, so procps sysctl -p would fail with 'cannot stat' and systemd-sysctl would skip them",
            fix: "keep the file for BSD hosts only; for Linux, write the Linux keys (for example, kern.ipc.somaxconn is net.core.somaxconn)")
    }

    private func overrides(into findings: inout [Finding]) {
        // What a winner's findings say is made once per winner and file of the losers: the key's name (one path,
        // one name), its place ("line 7", or "other.conf:7"), the message for a repeat of its value, and the last
        // message for another value. A key set thousands of times then shares one message rather than holding
        // thousands of copies. A class, so that using it costs one reference count, not one per field.
        final class Named {
            let file: String, place: String, name: String, winnerValue: String
            var same: String?
            var other: (value: String, message: String)?
            init(file: String, place: String, name: String, winnerValue: String) {
                (self.file, self.place, self.name, self.winnerValue) = (file, place, name, winnerValue)
            }
        }
        // By the winner's position, which is below `winnerCount`: a dictionary hashed it for every loser.
        var named = [Named?](repeating: nil, count: state.hasOverrides ? state.winnerCount : 0)
        // Made in the order the report sorts them into, except where two inputs share a name and findings can tie.
        state.forEachOverride(byWinner: state.inputsShareNames) { position, loser in
            let location = loser.location, value = loser.value
            let known: Named
            if let cached = named[position], cached.file == location.file {
                known = cached
            } else {
                let winner = state.winner(at: position)
                known = Named(file: location.file, place: winner.location.place(from: location), name: loser.key.name, winnerValue: winner.value)
                named[position] = known
            }
            let same = value == known.winnerValue
            let message: String
            if same {
                message = known.same ?? String(joining: known.name, " is set again to the same value at ", known.place, "; this line is redundant")
                known.same = message
            } else if let other = known.other, UTF8Text.sameBytes(other.value, value) {  // bytes: a message quotes them
                message = other.message
            } else {
                message = String(joining: known.name, " = ", value, " is overridden by ", known.place, " (= ", known.winnerValue, "); the last assignment wins")
                known.other = (value, message)
            }
            findings.append(Finding(rule: "overridden-assignment", severity: .info, key: known.name, value: value,
                                    location: location, message: message,
                                    fix: same ? "remove this line" : "keep one assignment with the value you mean",
                                    references: overrideReferences))
        }
    }

    /// An explicit key beats every glob that matches it, whatever the order or file: worth saying when the glob
    /// comes later (it looks as if it should win) or sets a different value.
    private func globsOverridden() -> [Finding] {
        guard !state.globs.isEmpty else { return [] }
        guard state.globComparisonsFit(keys: state.winnerCount) else {
            return [Finding(rule: "glob-overridden-by-key", severity: .info, location: state.globs.first?.location,
                            message: "\(state.winnerCount) keys and \(state.globs.count) globs are too many to compare (more than \(EffectiveState.globComparisonLimit) pairs, or globs longer than \(EffectiveState.globBytesLimit / 1024) KiB together); which globs explicit keys override was not checked, and globs are not used for figures")]
        }
        var findings: [Finding] = []
        for explicit in state.winners {
            guard let glob = state.globs.last(where: { Glob.matches($0.key.path, explicit.key.path) }),
                  glob.value != explicit.value else { continue }
            let place = glob.location.place(from: explicit.location)
            findings.append(Finding(
                rule: "glob-overridden-by-key", severity: .info, key: explicit.key.name, value: explicit.value,
                location: explicit.location,
                message: "\(explicit.key.name) = \(explicit.value) here beats the glob \(glob.key.written) = \(glob.value) at \(place): an explicit key wins over every glob, whatever the order or file"))
        }
        return findings
    }

    private func laterExclusions() -> [Finding] {
        state.assignmentsLaterExcluded.map { assignment, exclusion in
            // When the value is the kernel's default, "not set" and "set" end the same unless another file sets it.
            let isDefault = catalogue.defaultText(for: assignment.key.name, kernel: kernel).map {
                SysctlValue($0).fields == SysctlValue(assignment.value).fields
            } ?? false
            let consequence = isDefault
                ? "; the value is the kernel default, so this only matters if another file sets the key"
                : ""
            return Finding(rule: "excluded-after-assignment", severity: isDefault ? .info : .warning, key: assignment.key.name, value: nil,
                    location: exclusion.location,
                    message: "'-\(exclusion.key.written)' follows the assignment at line \(assignment.location.line): systemd-sysctl then does not set \(assignment.key.name) at all, procps sysctl still writes \(assignment.value)\(consequence)",
                    fix: "remove the exclusion, or the assignment, so that both loaders agree")
        }
    }

    private func keyChecks(_ assignment: Assignment) -> [Finding] {
        let name = assignment.key.name
        if assignment.key.isGlob { return inlineComment(assignment, parameter: nil) }
        guard let parameter = catalogue.parameter(for: name) else {
            return unknownKey(assignment) + inlineComment(assignment, parameter: nil)
        }
        if let vendor = parameter.vendor {
            return [vendorKey(assignment, vendor: vendor)]
        }
        if !parameter.exists(in: kernel) {
            return [missingInKernel(assignment, parameter)]
        }
        if parameter.readOnly {
            return [readOnlyKey(assignment)]
        }
        return valueChecks(assignment, parameter) + inlineComment(assignment, parameter: parameter)
    }

    private func unknownKey(_ assignment: Assignment) -> [Finding] {
        let name = assignment.key.name
        guard !Self.openFamilies.contains(where: name.hasPrefix) else { return [] }
        // Only keys beside the known one: net.ipv6.x is not a typo of net.ipv4.x.
        let lowered = name.lowercased()
        let siblings = (catalogue.namesByParent[Self.parent(of: name)] ?? []).filter { $0 != name }
        let suggestion = (lowered != name && catalogue.parameter(for: lowered) != nil ? lowered : nil)
            ?? Suggest.closest(to: name, among: siblings, maxDistance: 2)
        guard let suggestion else { return [] }
        return [Finding(
            rule: "unknown-key", severity: .warning, key: name, value: assignment.value, location: assignment.location,
            message: "no kernel has \(name); did you mean \(suggestion)? As written, procps sysctl -p fails with 'cannot stat' and systemd-sysctl skips it",
            fix: "write '\(suggestion) = \(assignment.value)'")]
    }

    static func parent(of name: String) -> Substring {
        name.lastIndex(of: ".").map { name[..<$0] } ?? ""
    }

    private func missingInKernel(_ assignment: Assignment, _ parameter: Parameter) -> Finding {
        let name = assignment.key.name
        let history: String
        if let removed = parameter.removed, kernel >= removed {
            history = "was removed in Linux \(removed)"
        } else if let since = parameter.since {
            history = "only exists from Linux \(since)"
        } else {
            history = "does not exist"
        }
        return Finding(
            rule: "key-not-in-kernel", severity: assignment.ignoreFailure ? .warning : .error, key: name,
            value: assignment.value, location: assignment.location,
            message: "\(name) \(history), so it is not applied on Linux \(kernel): \(Self.absentKeyBehaviour(assignment))",
            fix: "remove the line (or target a kernel that has the key with --kernel)")
    }

    /// What the loaders do with a key the kernel does not have (loader-semantics.md §5): the leading `-` quiets
    /// systemd-sysctl but does not help procps `sysctl -p`.
    static func absentKeyBehaviour(_ assignment: Assignment) -> String {
        assignment.ignoreFailure
            ? "systemd-sysctl skips it silently because of the leading '-', but procps sysctl -p still fails with 'cannot stat' (sysctl --system ignores it)"
            : "procps sysctl -p fails with 'cannot stat /proc/sys/\(assignment.key.path)' and exits 1 (sysctl --system ignores it), systemd-sysctl skips it"
    }

    /// The model follows mainline Linux; whether a vendor key exists depends on whose kernel runs the file.
    private func vendorKey(_ assignment: Assignment, vendor: String) -> Finding {
        let name = assignment.key.name
        return Finding(
            rule: "vendor-key", severity: .info, key: name,
            value: assignment.value, location: assignment.location,
            message: "\(name) exists only in \(vendor), never in mainline Linux: fine there, but on any other kernel the line is not applied (\(Self.absentKeyBehaviour(assignment)))",
            fix: "deploy the line only to hosts running those kernels")
    }

    private func readOnlyKey(_ assignment: Assignment) -> Finding {
        let name = assignment.key.name
        let loaders = assignment.ignoreFailure
            ? "procps sysctl reports it and goes on because of the leading '-', systemd-sysctl ignores the permission error"
            : "procps sysctl prints 'permission denied on key' (and exits 1 from procps-ng 4.0.6; earlier releases exit 0), systemd-sysctl ignores the permission error (it fails only with --strict)"
        return Finding(
            rule: "read-only-key", severity: assignment.ignoreFailure ? .warning : .error, key: name,
            value: assignment.value, location: assignment.location,
            message: "\(name) is read-only (mode 0444): the kernel refuses the write even from root, so the line never takes effect: \(loaders)",
            fix: "remove the line; the value reflects state the kernel or a daemon sets")
    }

    private func valueChecks(_ assignment: Assignment, _ parameter: Parameter) -> [Finding] {
        guard !assignment.value.isEmpty, !assignment.value.hasPrefix("=") else { return [] }
        let name = assignment.key.name
        if let rejection = writeCheck.rejection(of: assignment) {
            return [Finding(rule: "invalid-value", severity: .error, key: name, value: assignment.value,
                            location: assignment.valueLocation,
                            message: "\(rejection.reason): \(WriteCheck.loaderBehaviour(name)); the kernel keeps its previous value, which the figures use",
                            fix: rejection.fix)]
        }
        let value = SysctlValue(assignment.value)
        let wanted = parameter.kind == .vector ? parameter.fields : 1
        guard parameter.kind == .vector, value.fields.count < wanted else { return [] }
        return [Finding(
            rule: "invalid-value", severity: .info, key: name, value: assignment.value,
            location: assignment.location,
            message: "\(name) takes \(wanted) numbers; with \(value.fields.count) the kernel changes only the first \(value.fields.count) and keeps the rest",
            fix: "write all \(wanted) numbers")]
    }

    private func inlineComment(_ assignment: Assignment, parameter: Parameter?) -> [Finding] {
        let value = assignment.value
        guard let hashIndex = value.firstIndex(of: "#"),
              hashIndex == value.startIndex || value[value.index(before: hashIndex)] == " " || value[value.index(before: hashIndex)] == "\t"
        else { return [] }
        var location = assignment.valueLocation
        location.column += value.utf8.distance(from: value.utf8.startIndex, to: hashIndex.samePosition(in: value.utf8) ?? value.utf8.startIndex)
        let before = value[..<hashIndex].trimmingSpaces()
        if let parameter, parameter.kind != .string, !before.isEmpty {
            return [Finding(rule: "inline-comment", severity: .info, key: assignment.key.name, value: value, location: location,
                            message: "'\(value[hashIndex...])' is part of the value, not a comment; the kernel happens to ignore text after the number, so \(before) is set",
                            fix: "move the comment to its own line above")]
        }
        return [Finding(rule: "inline-comment", severity: .warning, key: assignment.key.name, value: value, location: location,
                        message: "sysctl files have no trailing comments: the loaders write '\(value)' verbatim, comment included",
                        fix: "write '\(assignment.key.name) = \(before)' and put the comment on its own line")]
    }
}
