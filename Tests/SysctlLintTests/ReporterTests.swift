import Testing
@testable import SysctlLint

/// The line formats' escaping and spelling, beyond what the golden files show.
@Suite struct ReporterTests {
    static let finding = Finding(
        rule: "r", severity: .warning, key: "k", value: "v",
        location: SourceLocation(file: "dir,a:b/100%.conf", line: 3, column: 7),
        message: "50% of\nthe value, really: yes", fix: "do x")

    /// Workflow-command escaping on bytes gives what Foundation's replacements gave, and escapes every `:` and
    /// `,` of a property, a combining mark after one included (the search on characters passed over those).
    @Test func githubEscapingMatchesItsDefinition() {
        func reference(_ text: String, property: Bool) -> String {
            var out = text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
            if property { out = out.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
            return out
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "%", "\r", "\n", ":", ",", " ", "é", "2", "5"]
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(GitHubReporter.data(text) == reference(text, property: false), "\(text.debugDescription)")
            #expect(GitHubReporter.property(text) == reference(text, property: true), "\(text.debugDescription)")
        }
        #expect(GitHubReporter.property("a:\u{301}b,\u{301}c") == "a%3A\u{301}b%2C\u{301}c")
        #expect(GitHubReporter.data("x\r\ny") == "x%0D%0Ay")
        #expect(GitHubReporter.data("3%\u{301}x\u{1F3FB}") == "3%25\u{301}x\u{1F3FB}")
    }

    @Test func githubEscapesDataAndProperties() {
        let line = GitHubReporter().annotations([Self.finding])
        #expect(line == "::warning file=dir%2Ca%3Ab/100%25.conf,line=3,col=7,title=sysctl-lint r::50%25 of\\nthe value, really: yes%0Afix: do x\n")
    }

    @Test func githubSummaryPointsToSarifBeyondTheAnnotationLimit() {
        let many = Array(repeating: Self.finding, count: 11)
        #expect(GitHubReporter().render(many).hasSuffix("sysctl-lint: 0 errors, 11 warnings, 0 infos (GitHub shows only the first 10 errors and 10 warnings per step as annotations; upload --format sarif for all)\n"))
        #expect(GitHubReporter().render([Self.finding]).hasSuffix("sysctl-lint: 0 errors, 1 warning, 0 infos\n"))
    }

    @Test(arguments: [(Severity.error, "error"), (.warning, "warning"), (.info, "note")])
    func gccSpellsSeveritiesAsCompilersDo(severity: Severity, word: String) {
        var finding = Self.finding
        finding.severity = severity
        #expect(GCCReporter().render([finding]) == "dir,a:b/100%.conf:3:7: \(word): 50% of\\nthe value, really: yes [r]\n")
    }
}

@Suite struct TerminalWidthTests {
    @Test func figureRowsWrapToTheTerminal() {
        var reporter = TextReporter()
        reporter.width = 70
        let table = reporter.figureTable(Fixtures.lint("net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.ip_local_port_range = 1024 65000").figures)
        for line in table.split(separator: "\n") { #expect(line.count <= 70, "\(line)") }
        #expect(TextReporter().figureTable(Fixtures.lint("net.ipv4.tcp_tw_reuse = 1").figures).split(separator: "\n").contains { $0.count > 70 },
                "no width (a pipe): rows stay whole")
    }
}

/// The text report writes the text around runs of findings once per run; runs are told apart by bytes, so files
/// and fixes that are canonically equivalent text but other bytes are each shown as their own bytes.
@Suite struct TextRunTests {
    @Test func filesAndFixesAreShownAsTheirOwnBytes() {
        let names = ["caf\u{E9}.conf", "cafe\u{301}.conf"]
        let findings = names.flatMap { name in
            [Finding(rule: "r", severity: .info, location: SourceLocation(file: name, line: 1, column: 1), message: "m", fix: name)]
        }
        var sink = ReportSink()
        TextReporter().writeLines(of: findings, into: &sink)
        let lines = sink.text.split(separator: "\n").map { Array($0.utf8) }
        #expect(lines == [Array("\(names[0]):1:1: info: m [r]".utf8), Array("    fix: \(names[0])".utf8),
                          Array("\(names[1]):1:1: info: m [r]".utf8), Array("    fix: \(names[1])".utf8)])
    }
}

/// Reports are written in chunks, from strings or handed-over buffers; what reaches the destination must be the
/// whole report, neutralized as one text.
@Suite struct ReportSinkTests {
    final class Collect: ReportDestination {
        var bytes: [UInt8] = []
        var writes = 0
        func write(_ chunk: UnsafeRawBufferPointer) { bytes += chunk; writes += 1 }
    }

    @Test(arguments: [false, true])
    func chunksAddUpToTheWholeReport(neutralizing: Bool) {
        var text = ""
        var state: UInt64 = 7
        let pieces = ["::error::forged", "  ::warning ::x", "a ##[group] b", "##", "[", "::", ":", "plain words", "\u{1B}[31m", "é", "\n", "\n"]
        while text.utf8.count < 5 * ReportSink.chunkSize {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            text += pieces[Int(state >> 33) % pieces.count]
        }
        text += String(repeating: "#", count: 2 * ReportSink.chunkSize) + "##[" + "\n"  // one line longer than a chunk
        let destination = Collect()
        var sink = ReportSink(to: destination)
        sink.neutralizesCommands = neutralizing
        var rest = Substring(text)
        while !rest.isEmpty {  // written in uneven pieces, as reporters write
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let piece = rest.prefix(Int(state >> 50) % 300 + 1)
            if state & 0x100 == 0 {
                sink.write(String(piece))
            } else {  // as the JSON writer hands over its buffer
                let bytes = ByteBuffer()
                bytes.append(contentsOf: Array(piece.utf8))
                sink.take(bytes)
                #expect(bytes.isEmpty)
            }
            rest = rest.dropFirst(piece.count)
        }
        sink.flush()
        #expect(destination.writes > 4)
        let expected = neutralizing ? DisplayText.neutralizingCommands(text) : text
        #expect(String(decoding: destination.bytes, as: UTF8.self) == expected)
    }
}
