import Testing
@testable import SysctlLint

/// Overridden assignments, in files applied in order: every assignment but a key's last is reported once, naming
/// the winner's place and value as the definition says, whatever repeats the messages share.
@Suite struct OverrideTests {
    static let linter = Linter(knowledge: Fixtures.knowledge)

    @Test(arguments: 0..<40)
    func everyLoserNamesItsWinner(seed: Int) {
        var random = JSONWriterTests.Generator(state: UInt64(seed))
        let keys = ["net.core.somaxconn", "vm.swappiness", "kernel.domainname"], values = ["1", "2", "3"]
        var lines: [(file: String, line: Int, key: String, value: String)] = []
        let sources = (0..<Int.random(in: 1...3, using: &random)).map { index -> SourceText in
            let file = "\(index)0-tuning.conf"
            let text = (1...Int.random(in: 1...12, using: &random)).map { line -> String in
                let key = keys.randomElement(using: &random)!, value = values.randomElement(using: &random)!
                lines.append((file, line, key, value))
                return "\(key) = \(value)"
            }.joined(separator: "\n")
            return SourceText(path: file, text: text)
        }
        var expected: Set<[String]> = []
        for (index, loser) in lines.enumerated() {
            guard let winner = lines.last(where: { $0.key == loser.key }), lines.lastIndex(where: { $0.key == loser.key }) != index else { continue }
            let place = winner.file == loser.file ? "line \(winner.line)" : "\(winner.file):\(winner.line)"
            let message = loser.value == winner.value
                ? "\(loser.key) is set again to the same value at \(place); this line is redundant"
                : "\(loser.key) = \(loser.value) is overridden by \(place) (= \(winner.value)); the last assignment wins"
            expected.insert([loser.file, String(loser.line), message])
        }
        let found = Self.linter.lint(sources).findings.filter { $0.rule == "overridden-assignment" }
        #expect(found.count == expected.count)
        #expect(Set(found.map { [$0.location?.file ?? "", String($0.location?.line ?? 0), $0.message] }) == expected)
        // In the report's order: by input, then line (the inputs' names differ, so nothing ties).
        let places = found.compactMap { $0.location.map { [$0.file, String($0.line)] } }
        #expect(places == places.sorted { ($0[0], Int($0[1])!) < ($1[0], Int($1[1])!) })
    }

    /// Two inputs of one name give findings that tie on file, line, column and rule: they keep the order of their
    /// winners (the order keys were first written), as they always have.
    @Test func tiesKeepTheOrderOfTheWinners() {
        let sources = [SourceText(path: "a.conf", text: "vm.swappiness = 1\n"), SourceText(path: "a.conf", text: "net.core.somaxconn = 4096\n"),
                       SourceText(path: "z.conf", text: "net.core.somaxconn = 8192\nvm.swappiness = 2\n")]
        let keys = Self.linter.lint(sources).findings.filter { $0.rule == "overridden-assignment" }.map(\.key)
        #expect(keys == ["vm.swappiness", "net.core.somaxconn"])
    }

    /// A message quotes the loser's value as its bytes: values that are canonically equivalent text but other
    /// bytes (a precomposed and a decomposed é) get messages of their own.
    @Test func messagesQuoteEachValuesBytes() {
        let text = "kernel.domainname = caf\u{E9}\nkernel.domainname = cafe\u{301}\nkernel.domainname = x\n"
        let messages = Self.linter.lint([SourceText(path: "a.conf", text: text)]).findings
            .filter { $0.rule == "overridden-assignment" }.map(\.message)
        #expect(messages.count == 2)
        #expect(messages.map { Array($0.utf8) } == ["caf\u{E9}", "cafe\u{301}"].map {
            Array("kernel.domainname = \($0) is overridden by line 3 (= x); the last assignment wins".utf8)
        })
    }
}
