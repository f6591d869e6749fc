import Foundation
import Testing

/// Input is hostile by design: whatever a config, file name or snapshot holds, the report cannot drive a terminal,
/// start a line of its own (a forged GitHub workflow command or gcc diagnostic), or become Markdown markup.
@Suite struct HostileInputTests {
    static let nasty = "\u{1B}]0;owned\u{07}\u{1B}[2J\r::error file=x::forged\u{9B}31m\u{2028}end"

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// No control character but newline and tab, no C1 control, no line separator, and no line that starts a
    /// workflow command unless the reporter wrote it.
    static func expectSafe(_ text: String, allowCommands: Bool = false, _ comment: String) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let bad = (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            #expect(!bad, "\(comment): raw U+\(String(v, radix: 16)) in output")
        }
        for line in text.split(separator: "\n") where line.hasPrefix("::") {
            #expect(allowCommands && (line.hasPrefix("::warning ") || line.hasPrefix("::error ") || line.hasPrefix("::notice ")),
                    "\(comment): line starts a workflow command: \(line)")
            #expect(!line.contains("\n::error file=x"), "\(comment)")
        }
        #expect(!text.contains("\n::error file=x::forged"), "\(comment): forged command")
    }

    @Test(arguments: ["text", "gcc", "github", "junit", "checkstyle"])
    func valuesAndFileNamesAreEscaped(format: String) throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("evil\n::error file=x::forged\u{1B}[31m.conf")
        try "net.ipv4.tcp_keepalive_time = 10\(Self.nasty)\nnet.core.\(Self.nasty) = 1\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["--format", format, "--no-config", file.path])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        Self.expectSafe(run.stdout, allowCommands: format == "github", "\(format) stdout")
        Self.expectSafe(run.stderr, "\(format) stderr")
        #expect(run.stdout.contains("\\x1b"), "the escape is shown, not dropped")
    }

    /// A FIFO blocks a reader until someone writes to it: every input that is read from a path refuses one.
    @Test(arguments: [["--snapshot"], ["--rules"], ["--config"], ["--baseline"], []])
    func fifosAreRefusedNotWaitedOn(option: [String]) throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try CLITests.run(option + [fifo] + (option.isEmpty || option == ["--snapshot"] ? [] : ["examples/clean.conf"]))
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not a regular file"), "\(run.stderr)")
    }

    @Test func ruleTextFromARuleFileIsEscaped() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("r.yaml")
        try """
            rules:
              - id: odd-rule
                title: "title \\e]0;owned\\a"
                severity: info
                keys: [vm.swappiness]
                when: "value > 50"
                message: "swappiness {value}"
                fix: "lower it \\e[2J"
                rationale: "why\\r::error file=x::forged"
                references: ["https://www.kernel.org/doc/html/latest/admin-guide/sysctl/vm.html"]
                examples:
                  trigger: ["vm.swappiness = 60"]
                  pass: ["vm.swappiness = 10"]
            """.write(to: file, atomically: true, encoding: .utf8)
        for arguments in [["rules", "--rules", file.path], ["explain", "odd-rule", "--rules", file.path]] {
            let run = try CLITests.run(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            Self.expectSafe(run.stdout, "\(arguments[0])")
            #expect(run.stdout.contains("\\x1b"))
        }
    }

    /// Rule files are Markdown their authors write: kept as Markdown, but an example cannot close its fence and
    /// control characters are shown, not sent.
    @Test func ruleReferenceInMarkdownKeepsExamplesFenced() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("r.yaml")
        try """
            rules:
              - id: fenced-rule
                title: "title \\e]0;owned\\a"
                severity: info
                keys: [vm.swappiness]
                when: "value > 50"
                message: "swappiness {value}"
                fix: "lower it"
                rationale: "why"
                references: ["https://www.kernel.org/doc/html/latest/admin-guide/sysctl/vm.html"]
                examples:
                  trigger: ["vm.swappiness = 60"]
                  pass: ["vm.swappiness = 10 # ```"]
            """.write(to: file, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["rules", "--format", "markdown", "--rules", file.path])
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectSafe(run.stdout, "rules markdown")
        #expect(run.stdout.contains("````\nvm.swappiness = 10 # ```\n````"), "the fence is longer than any backtick run inside")
    }

    /// A file named like a workflow command cannot start a gcc or text line with `::`.
    @Test(arguments: ["gcc", "text"])
    func fileNamesCannotStartAWorkflowCommand(format: String) throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "net.ipv4.tcp_tw_recycle = 1\n".write(to: folder.appendingPathComponent("::error::x.conf"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CLITests.binary
        process.currentDirectoryURL = folder
        process.arguments = ["--format", format, "--no-config", "::error::x.conf"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.contains("./::error::x.conf"), "\(output)")
        Self.expectSafe(output, "\(format) stdout")
    }

    @Test func errorMessagesQuotingArgumentsAreEscaped() throws {
        let run = try CLITests.run(["--format", "text\n::error file=x::forged\u{1B}[2J", "examples/clean.conf"])
        #expect(run.status == 2)
        Self.expectSafe(run.stderr, "stderr")
        let missing = try CLITests.run(["--no-config", "/nonexistent/\u{1B}[2J\n::error file=x::forged"])
        #expect(missing.status == 2)
        Self.expectSafe(missing.stderr, "stderr")
    }

    @Test func markdownReviewsCannotCarryMarkup() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = folder.appendingPathComponent("before.conf"), after = folder.appendingPathComponent("a`b|c.conf")
        try "vm.swappiness = 10\n".write(to: before, atomically: true, encoding: .utf8)
        try "vm.swappiness = <img src=x onerror=alert(1)> @octocat ![x](http://e/x.png) **b** https://phish.example www.phish.example \(Self.nasty)\n"
            .write(to: after, atomically: true, encoding: .utf8)
        let run = try CLITests.run(["diff", "--format", "markdown", "--no-config", before.path, after.path])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        Self.expectSafe(run.stdout, "markdown")
        #expect(!run.stdout.contains("<img"))
        #expect(!run.stdout.contains("@octocat"))
        #expect(!run.stdout.contains("![x]"))
        #expect(!run.stdout.contains("**b**"))
        #expect(!run.stdout.contains("https://phish") && !run.stdout.contains("www.phish"), "no link GitHub would make")
        #expect(run.stdout.contains("a'b\\|c.conf`"), "a file name cannot leave its code span")
        #expect(!run.stdout.contains("a`b"))
    }
}
