import ArgumentParser
import Foundation
import SysctlLint

let SysctlLintVersion_current = SysctlLintVersion.current

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

enum FailLevel: String, CaseIterable, ExpressibleByArgument {
    case error, warning, info, none

    var threshold: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .none: nil
        }
    }
}

enum ColorChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never
}

extension KernelVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Options shared by the commands that read rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("Extra rule file or directory (repeatable). A rule with the id of a shipped one replaces it.", valueName: "path"))
    var rulePaths: [String] = []

    /// The shipped rules plus the user's; problems go to stderr and end the run with status 2.
    func knowledge() throws -> Knowledge {
        do {
            var knowledge = try Knowledge.shipped()
            for path in rulePaths { try knowledge.addUserRules(at: path) }
            return knowledge
        } catch {
            fail([error.description])
        }
    }
}

/// Options shared by the commands that lint files.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("sysctl.conf files, applied in order (later wins); a directory is read as a sysctl.d folder.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Target kernel version, such as 6.12 or 4.9.0 (default: the newest the model knows).", valueName: "version"))
    var kernel: KernelVersion?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one sysctl file to check") }
    }

    func sources() throws -> [SourceText] {
        let reader = InputReader()
        var sources: [SourceText] = []
        var problems: [String] = []
        for path in files {
            do {
                sources += try reader.read(path)
            } catch {
                problems.append(error.description)
            }
        }
        if !problems.isEmpty { fail(problems) }
        return sources
    }
}

/// Prints problems that make the run unusable and exits with status 2.
func fail(_ messages: [String]) -> Never {
    for message in messages {
        FileHandle.standardError.write(Data(("sysctl-lint: " + message + "\n").utf8))
    }
    exit(2)
}

func useColor(_ choice: ColorChoice) -> Bool {
    switch choice {
    case .always: return true
    case .never: return false
    case .auto:
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}
