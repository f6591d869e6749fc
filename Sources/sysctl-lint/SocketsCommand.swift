import ArgumentParser
import Foundation
import SysctlLint

/// `sysctl-lint sockets`: what this host's sockets and counters prove, and which settings (or which application)
/// the evidence points at.
struct Sockets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "Census of TCP sockets and counters, live or saved, with verdicts: which setting or which application is at fault.",
        discussion: """
            Reads /proc/net/tcp, tcp6, netstat, snmp, sockstat, /proc/PID/fd and limits on this host, or saved copies \
            with --evidence (a folder or a file: /proc/net copies, `ss -tanp`, `nstat -a -j`, `sysctl -a`, a sosreport). \
            Exit status: 0, or 1 when a verdict reaches --fail-level; 2 for unreadable evidence.
            """)

    @Option(help: ArgumentHelp("Saved evidence to read instead of this host: a folder of saved files, a sosreport, or one file.", valueName: "path"))
    var evidence: String?

    @Option(help: ArgumentHelp("Read the counters twice, this many seconds apart, and report rates instead of totals since boot (live only).", valueName: "seconds"))
    var interval: Double?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Target kernel version (default: the evidence's kernel.osrelease, else the newest the model knows).", valueName: "version"))
    var kernel: KernelVersion?

    @Option(help: "Exit 1 when a verdict has this severity or worse: error, warning, info or none.")
    var failLevel: FailLevel = .warning

    @OptionGroup var ruleOptions: RuleOptions

    enum Format: String, CaseIterable, ExpressibleByArgument { case text, json }

    func validate() throws {
        if let interval, !(interval > 0 && interval <= 3600) {
            throw ValidationError("--interval takes seconds from above 0 up to 3600")
        }
        if interval != nil && evidence != nil {
            throw ValidationError("--interval measures this host; saved evidence is one reading")
        }
    }

    func run() throws {
        let gathered: Evidence
        if let evidence {
            do throws(InputProblem) { gathered = try EvidenceCollector.saved(evidence) } catch { fail([error.description]) }
        } else {
            gathered = EvidenceCollector.live(interval: interval)
            if gathered.files.isEmpty { fail(["/proc/net/tcp could not be read: is this a Linux host with /proc mounted?"]) }
        }
        let verdicts = SocketVerdicts(evidence: gathered, knowledge: try ruleOptions.knowledge(), kernel: kernel)
        let findings = verdicts.findings
        switch format {
        case .text: emit(SocketTextReporter().render(verdicts, findings: findings))
        case .json: print(SocketJSONReporter().render(verdicts, findings: findings, toolVersion: SysctlLintVersion.current), terminator: "")
        }
        if let threshold = failLevel.threshold, let worst = findings.map(\.severity).max(), worst >= threshold {
            throw ExitCode(1)
        }
    }
}
