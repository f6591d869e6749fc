/// Compares what the configuration sets with what the running kernel holds: a value that differs means the
/// configuration was never applied since it changed, or something wrote the key at runtime; a key the kernel lacks
/// means the line cannot apply there.
public struct DriftCheck: Sendable {
    public let state: EffectiveState
    public let runtime: RuntimeSnapshot

    public init(state: EffectiveState, runtime: RuntimeSnapshot) {
        self.state = state
        self.runtime = runtime
    }

    public func run() -> [Finding] {
        var values: [String: String] = [:]
        for assignment in runtime.assignments { values[assignment.key.path] = assignment.value }
        let unreadable = Set(runtime.notes.compactMap { $0.key.map { SysctlKey($0).path } })
        let source = runtime.host.map { "\(runtime.source) (\($0))" } ?? runtime.source
        var findings: [Finding] = []
        for assignment in state.winners {
            let path = assignment.key.path
            if unreadable.contains(path) { continue }
            guard let running = values[path] else {
                guard runtime.isComplete else { continue }
                findings.append(Finding(
                    rule: "drift-missing-key", severity: assignment.ignoreFailure ? .info : .warning,
                    key: assignment.key.name, value: assignment.value, location: assignment.location,
                    message: "the running kernel (\(source)) has no \(assignment.key.name): the line cannot apply there (a module that is not loaded, an interface that does not exist, or a kernel without the key)",
                    fix: "load the module or create the interface before the loader runs, or remove the line"))
                continue
            }
            if !Self.same(assignment.value, running) {
                findings.append(drift(assignment, running: running, source: source, viaGlob: false))
            }
        }
        // Keys a glob sets and no explicit line overrides.
        if !state.globs.isEmpty, !state.globComparisonsFit(keys: runtime.count) {
            findings.append(Finding(rule: "drift-value", severity: .info, location: state.globs.first?.location,
                                    message: "\(runtime.count) running keys and \(state.globs.count) globs are too many to compare (more than \(EffectiveState.globComparisonLimit) pairs); drift of keys set only by globs was not checked"))
        } else if !state.globs.isEmpty {
            for running in runtime.assignments {
                let key = running.key
                guard let assignment = state.assignment(for: key.name), assignment.key.isGlob else { continue }
                if !Self.same(assignment.value, running.value) {
                    findings.append(drift(assignment, running: running.value, source: source, viaGlob: true, key: key.name))
                }
            }
        }
        return findings
    }

    private func drift(_ assignment: Assignment, running: String, source: String, viaGlob: Bool, key: String? = nil) -> Finding {
        let name = key ?? assignment.key.name
        // Tabs (sysctl's field separator) shown as blanks, byte by byte: a fleet with a configuration has a drift
        // finding per host and key, and Foundation's replacement goes through UTF-16.
        let shown = UTF8Text.contains(running) { $0 == 0x09 }
            ? String(decoding: running.utf8.map { $0 == 0x09 ? 0x20 : $0 }, as: UTF8.self) : running
        return Finding(
            rule: "drift-value", severity: .warning, key: name, value: assignment.value, location: assignment.valueLocation,
            message: "the configuration sets \(name) = \(assignment.value)\(viaGlob ? " (through this glob)" : ""), but the running kernel (\(source)) has \(shown): either the configuration was not applied since it changed, or something writes the key at runtime",
            fix: "apply the configuration (sysctl --system, or systemctl restart systemd-sysctl) and check again; if the value comes back, find the writer (a tuning daemon, a container runtime, a script)")
    }

    /// Whether two values have the same fields (`SysctlValue.fields`: split at spaces and tabs), compared on
    /// their bytes without making the fields.
    static func sameFields(_ a: String, _ b: String) -> Bool {
        UTF8Text.withBytes(a) { a in
            UTF8Text.withBytes(b) { b in
                func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
                var i = 0, j = 0
                while true {
                    while i < a.count, isBlank(a[i]) { i += 1 }
                    while j < b.count, isBlank(b[j]) { j += 1 }
                    if i == a.count || j == b.count { return i == a.count && j == b.count }
                    while i < a.count, j < b.count, !isBlank(a[i]), !isBlank(b[j]) {
                        guard a[i] == b[j] else { return false }
                        i += 1
                        j += 1
                    }
                    // A field ends on both sides at once, or the fields differ.
                    if (i < a.count && !isBlank(a[i])) || (j < b.count && !isBlank(b[j])) { return false }
                }
            }
        }
    }

    /// Equal as the kernel reads them: numbers field by field (a write of fewer numbers than a vector has changes
    /// only the first ones, and text after the numbers is ignored), otherwise text with blanks collapsed.
    static func same(_ configured: String, _ running: String) -> Bool {
        // The same bytes are the same value either way (asked of every running value a rule watches), and so are
        // the same fields between other blanks (`32768 60999` and `32768<TAB>60999`): whatever the fields hold,
        // equal lists of them compare equal below.
        if UTF8Text.sameBytes(configured, running) || sameFields(configured, running) {
            return true
        }
        return sameAsRead(configured, running)
    }

    /// `same(_:_:)` without its shortcuts: each value's fields made and compared as the kernel reads them.
    static func sameAsRead(_ configured: String, _ running: String) -> Bool {
        let a = SysctlValue(configured), b = SysctlValue(running)
        let written = a.fields.prefix { SysctlValue.parseInteger($0) != nil }.compactMap(SysctlValue.parseInteger)
        if !written.isEmpty, let held = b.integers(count: b.fields.count) {
            return held.count >= written.count && Array(held.prefix(written.count)) == written
        }
        return a.fields == b.fields
    }
}
