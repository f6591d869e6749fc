import ArgumentParser
import Foundation
import SysctlLint

/// Exit status: 0 nothing reached the fail level, 1 a finding did, 2 usage errors, unusable input or rule files.
/// swift-argument-parser would exit 64 on usage errors; we map that to 2.
@main
enum EntryPoint {
    static func main() {
        do {
            var command = try SysctlLintCommand.parseAsRoot()
            try command.run()
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = SysctlLintCommand.exitCode(for: error)
            let message = SysctlLintCommand.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((safeLines(message) + "\n").utf8))
            exit(2)
        }
    }
}

struct SysctlLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sysctl-lint",
        abstract: "Checks sysctl.conf files for kernel-tuning hazards and computes the timeouts and limits they yield.",
        discussion: """
            Exit status: 0 when no finding reaches the fail level, 1 when one does, 2 for usage errors, \
            unreadable or binary input, and invalid rule files.
            """,
        version: SysctlLintVersion_current,
        subcommands: [Check.self, Timeouts.self, Sockets.self, RulesCommand.self, Explain.self, Diff.self, Init.self],
        defaultSubcommand: Check.self
    )
}

/// An error message for stderr, where CI systems read workflow commands too: argument values it quotes have their
/// control characters escaped, and no line of it can start a `::` command.
func safeLines(_ message: String) -> String {
    message.split(separator: "\n", omittingEmptySubsequences: false)
        .map { line in
            let escaped = DisplayText.escaped(String(line))
            return escaped.hasPrefix("::") ? " " + escaped : escaped
        }
        .joined(separator: "\n")
}
