import Foundation
import Testing
@testable import SysctlLint

@Suite struct ParserTests {
    func parse(_ text: String) -> ParsedFile { ConfigParser().parse(SourceText(path: "p.conf", text: text)) }

    @Test func assignmentsKeepFileLineAndColumn() throws {
        let file = parse("# c\n\n  net.ipv4.tcp_rmem\t=\t4096\t87380\t16777216\n")
        let assignment = try #require(file.assignments.first)
        #expect(assignment.key.name == "net.ipv4.tcp_rmem")
        #expect(assignment.value == "4096\t87380\t16777216")
        #expect(assignment.location == SourceLocation(file: "p.conf", line: 3, column: 3))
        #expect(assignment.valueColumn == 23)
        #expect(file.findings.isEmpty)
    }

    @Test(arguments: [
        ("kernel/hostname", "kernel.hostname"),
        ("net.ipv4.conf.eth0/100.rp_filter", "net.ipv4.conf.eth0/100.rp_filter"),
        ("net/ipv4/conf/eth0.100/rp_filter", "net.ipv4.conf.eth0/100.rp_filter"),
        ("a...b...c", "a.b.c"),
        ("/a///b///c", "a.b.c"),
        ("net/ipv4.conf/all/rp_filter", "net.ipv4/conf.all.rp_filter"),
    ])
    func keyNormalisationFollowsTheFirstSeparator(_ written: String, _ name: String) {
        #expect(SysctlKey(written).name == name)
    }

    @Test(arguments: [
        ("10", 10), ("-1", -1), ("0x1f", 31), ("010", 8), ("0", 0),
        ("18446744073692774399", Int.max),
    ] as [(String, Int)])
    func integersAreReadInBaseZero(_ field: String, _ expected: Int) {
        #expect(SysctlValue.parseInteger(field) == expected)
    }

    @Test(arguments: ["09", "1a", "+1", "true", "", "-", "0x", "99999999999999999999x"])
    func nonIntegersAreRejected(_ field: String) {
        #expect(SysctlValue.parseInteger(field) == nil)
    }

    /// The byte reader of integers and fields against the character-based one it replaced, on many odd fields.
    @Test func integersAndFieldsReadOnBytesAsOnCharacters() {
        func reference(_ field: String) -> Int? {
            var digits = Substring(field)
            var negative = false
            if digits.first == "-" { negative = true; digits = digits.dropFirst() }
            guard !digits.isEmpty else { return nil }
            var magnitude: Int?
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
                magnitude = Int(digits.dropFirst(2), radix: 16)
            } else if digits.count > 1 && digits.hasPrefix("0") {
                magnitude = Int(digits.dropFirst(), radix: 8)
            } else {
                magnitude = Int(digits, radix: 10)
                if magnitude == nil, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { magnitude = Int.max }
            }
            guard let magnitude, digits.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "x" || $0 == "X") }) else { return nil }
            return negative ? -magnitude : magnitude
        }
        let alphabet = ["0", "1", "7", "8", "9", "a", "f", "F", "g", "x", "X", "-", "+", " ", "\t", "é", "٣", "99999999999"]
        var state: UInt64 = 1
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var field = ""
            for shift in stride(from: 0, to: Int(state >> 61) * 6, by: 6) { field += alphabet[Int((state >> UInt64(shift + 3)) % UInt64(alphabet.count))] }
            #expect(SysctlValue.parseInteger(field) == reference(field), "\(field)")
            #expect(SysctlValue(field).fields == field.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init), "\(field)")
        }
    }

    @Test func commentsAreWholeLineOnlyAndEveryLineIsAccountedFor() {
        let file = parse("; c\n# c\nk.a = 1 # not a comment\nno equals here\n-k.b\n# Sysctl-lint: disable=x\n")
        #expect(file.assignments.map(\.value) == ["1 # not a comment"])
        #expect(file.findings.map(\.rule) == ["invalid-line"])
        #expect(file.findings.first?.location?.line == 4)
        // 1 assignment, 1 exclusion, and the one comment that may be a directive: other comments are not kept.
        #expect(file.statements.count == 3)
        #expect(file.statements.contains { if case .comment(let comment) = $0 { comment.location.line == 6 } else { false } })
    }

    @Test func randomBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let file = ConfigParser().parse(SourceText(path: "r.conf", bytes: bytes))
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
            #expect(file.lineCount <= lines)
        }
    }
}

@Suite struct InputTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-lint-input-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func problem(_ path: String) -> InputProblem? {
        do { _ = try InputReader().read(path); return nil } catch { return error }
    }

    @Test func missingFile() throws {
        let found = try #require(problem(directory.appendingPathComponent("nope.conf").path))
        #expect(found.message.contains("no such file"))
    }

    @Test func binaryFileIsRefusedWithItsPosition() throws {
        let path = directory.appendingPathComponent("binary.conf").path
        var bytes: [UInt8] = Array("vm.swappiness = 1\n".utf8)
        bytes += (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let found = try #require(problem(path))
        #expect(found.message.contains("binary"))
        #expect(found.line == 2)
    }

    @Test func hugeFileIsRefusedWithoutReadingIt() throws {
        let path = directory.appendingPathComponent("huge.conf").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        let found = try #require(problem(path))
        #expect(found.message.contains("limit"))
    }

    @Test func directoryIsReadAsASysctlDFolderInByteOrder() throws {
        let folder = directory.appendingPathComponent("sysctl.d")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["9-x.conf", "10-x.conf", "a.conf.bak"] {
            FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data("vm.swappiness = 1\n".utf8))
        }
        let sources = try InputReader().read(folder.path)
        #expect(sources.map { ($0.path as NSString).lastPathComponent } == ["10-x.conf", "9-x.conf"])
        let empty = directory.appendingPathComponent("empty.d")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try #require(problem(empty.path)).message.contains("no *.conf"))
    }
}

/// Key normalisation works on bytes for speed; it must give what the component-wise definition gives.
@Suite struct KeyNormalisationTests {
    @Test(arguments: ["net/ipv4/tcp_fin_timeout", "/net//ipv4/", "a/./b", "./a", "a/.", ".", "..", "a/../b", "a/.b/c", "",
                      "/", "//", "a/..", "net/ipv4/conf/eth0.100/rp_filter", "é/./ü//x", "a/b/"])
    func simplifyDropsEmptyAndDotComponents(path: String) {
        let reference = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
        #expect(SysctlKey.simplify(path) == reference)
    }

    @Test(arguments: [("net.ipv4.conf.eth0/100.rp_filter", "net/ipv4/conf/eth0.100/rp_filter"), ("kernel/hostname", "kernel/hostname"),
                      ("é.ü", "é/ü"), ("  net.core.somaxconn", "  net/core/somaxconn")])
    func dottedKeysBecomePaths(key: String, path: String) {
        #expect(SysctlKey.toPath(key) == path)
        #expect(SysctlKey.swapSeparators(path) == (key.utf8.first(where: { $0 == 0x2E || $0 == 0x2F }) == 0x2E ? key : SysctlKey.swapSeparators(key)))
    }

    /// The one-pass key reading against its definition: the path is the written key with separators swapped when
    /// the first one is a `.`, then simplified; the name swaps back; globs hold `*`, `?` or `[`.
    @Test func keysReadInOnePassMatchTheirDefinition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "b", ".", "/", ".", "/", "*", "[", " ", "é"]
        for _ in 0..<20_000 {
            let written = (0..<Int.random(in: 0..<9, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let key = SysctlKey(written)
            #expect(key.path == SysctlKey.simplify(SysctlKey.toPath(written)), "\(written.debugDescription)")
            #expect(key.name == SysctlKey.swapSeparators(key.path), "\(written.debugDescription)")
            #expect(key.isGlob == written.contains { $0 == "*" || $0 == "?" || $0 == "[" })
        }
    }

    /// The branch-free scan of a key's bytes against the definition on strings: its path needs no simplifying
    /// exactly when the path is simple, and the separator is the first `.` or `/` written.
    @Test func keyScansMatchTheirDefinition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "0", ".", "/", ".", "/", "*", "?", "[", "\u{0}", "é"]
        for _ in 0..<20_000 {
            let written = (0..<Int.random(in: 0..<20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let scan = UTF8Text.withBytes(written) { SysctlKey.scan($0) }
            let firstSeparator = written.utf8.first { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") } ?? 0
            #expect(scan.separator == firstSeparator, "\(written.debugDescription)")
            #expect(scan.isSimple == (!written.isEmpty && SysctlKey.isSimple(SysctlKey.toPath(written))), "\(written.debugDescription)")
            #expect(scan.isGlob == written.contains { $0 == "*" || $0 == "?" || $0 == "[" })
            #expect(scan.isASCII == written.utf8.allSatisfy { $0 < 0x80 })
        }
    }

    /// Plain assignment lines read on the short path give exactly what the full line reader gives: statements,
    /// findings and line count, for files of lines built from the pieces each check looks at (blanks of every
    /// kind, controls, comments, dashes, `=` in every place, spelling problems, non-ASCII and broken UTF-8).
    @Test func plainLinesReadDirectlyMatchTheFullReader() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = ["net.ipv4.tcp_fin_timeout", "kernel/hostname", "a", "0", ".", "/", "..", "=", "=", " ", " ", "\t",
                                 "\r", "\u{0B}", "\u{0C}", "\u{0}", "#", ";", "-", "- ", "--", "*", "{a,b}", "proc/sys/", "é", "sysctl",
                                 "net.ipv4.conf.eth0.100.rp_filter", "60 61"].map { Array($0.utf8) } + [[0xFF], [0xEF, 0xBB, 0xBF]]
        for _ in 0..<3_000 {
            // Lines drawn from a few, so that lines repeat (a repeated key is read once).
            let lines = (0..<3).map { _ -> [UInt8] in
                if Bool.random(using: &generator) { return Array("net.ipv4.tcp_keepalive_time = 600".utf8) }  // the line the short path is for
                return (0..<Int.random(in: 0..<9, using: &generator)).flatMap { _ in pieces.randomElement(using: &generator)! }
            }
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1..<8, using: &generator) {
                bytes += lines.randomElement(using: &generator)!
                bytes.append(0x0A)
            }
            if Bool.random(using: &generator) { bytes.removeLast() }
            let source = SourceText(path: "x.conf", bytes: bytes)
            var full = ConfigParser()
            full.readsPlainLinesDirectly = false
            let expected = full.parse(source), parsed = ConfigParser().parse(source)
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            #expect(parsed.statements == expected.statements, "\(shown)")
            #expect(parsed.findings == expected.findings, "\(shown)")
            #expect(parsed.lineCount == expected.lineCount, "\(shown)")
        }
    }

    /// Every byte of a path counts in its hash: paths of each length up to 40 that differ in one byte, or only in
    /// their length, hash apart (a dropped or doubly counted byte would make two of them equal).
    @Test func pathHashesCountEveryByte() {
        var seen: [UInt64: [UInt8]] = [:]
        for length in 0...40 {
            let base = (0..<length).map { UInt8(ascii: "a") &+ UInt8($0 % 26) }
            var variants = [base, base + [0]]
            for position in 0..<length {
                for byte: UInt8 in [0, 0x2E, 0xFF] {
                    var variant = base
                    variant[position] = byte
                    variants.append(variant)
                }
            }
            for variant in variants {
                let hash = variant.withUnsafeBufferPointer { PathHash.hash($0) }
                if let other = seen[hash], other != variant { Issue.record("\(variant) and \(other) hash alike") }
                seen[hash] = variant
            }
        }
        #expect(seen.count > 2_400)
    }

    /// A release read on bytes is the release read on characters: random texts of digits, dots and what may
    /// follow them in `uname -r` (or a hostile snapshot).
    @Test func releasesReadOnBytesMatchTheirDefinition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["0", "1", "6", "9", ".", ".", "-", "a", "\r\n", "\u{0301}", "½", "٣", "99999999999999999999", " "]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0..<9, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            #expect(KernelVersion(text) == KernelVersion(characterwise: text), "\(text.debugDescription)")
        }
        #expect(KernelVersion("6.8.0-45-generic") == KernelVersion(6, 8, 0))
    }

    /// The byte scans of `spellingIssues` against the definition on strings.
    @Test(arguments: ["net.ipv4.tcp_fin_timeout", "proc/sys/net/core/somaxconn", "proc.sys.vm.swappiness", "proc/sys",
                      "proc/sysx/a", "/proc/sys/a", "net..ipv4.x", "net//ipv4/x", "net.ipv4.", "net/ipv4/", "a/../b", "..",
                      "a/..", "a/...", "sysctl net.core.x", "a\tb", "kernel.{a}", "kernel.{a", "kernel.a}", "é//ü/", "/", "."])
    func spellingIssuesMatchTheirDefinition(written: String) {
        #expect(SysctlKey(written).spellingIssues == Self.spellingIssues(written))
    }

    /// The same on random keys, which reach both the plain-key shortcut and the full passes.
    @Test func randomKeysHaveTheSpellingIssuesOfTheirDefinition() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["net", "a", ".", "/", ".", "/", "..", " ", "\t", "{", "}", "proc", "sys", "é", "_", "-"]
        for _ in 0..<5_000 {
            let written = (0..<Int.random(in: 0..<9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(SysctlKey(written).spellingIssues == Self.spellingIssues(written), "\(written.debugDescription)")
        }
    }

    static func spellingIssues(_ written: String) -> [KeySpellingIssue] {
        let key = SysctlKey(written)
        let raw = SysctlKey.toPath(written)
        var expected: [KeySpellingIssue] = []
        if raw.contains("//") { expected.append(.repeatedSeparator) }
        if raw.utf8.count > 1, raw.hasSuffix("/") { expected.append(.trailingSeparator) }
        if key.path.hasPrefix("proc/sys/") || key.path == "proc/sys" { expected.append(.procSysPrefix) }
        if raw.split(separator: "/", omittingEmptySubsequences: false).contains("..") { expected.append(.parentComponent) }
        if written.contains(" ") || written.contains("\t") { expected.append(.innerWhitespace) }
        if written.contains("{") && written.contains("}") { expected.append(.braces) }
        return expected
    }

    /// The settings' index against a dictionary: random paths with repeats, from an index sized too small, so
    /// that it grows several times.
    @Test func pathIndexAgreesWithADictionary() {
        var generator = SystemRandomNumberGenerator()
        var index = PathIndex(capacity: 3)
        var reference: [String: Int] = [:]
        for _ in 0..<20_000 {
            let path = "net/ipv4/conf/veth\(Int.random(in: 0..<5_000, using: &generator))/rp_filter"
            let expected = reference[path]
            if expected == nil { reference[path] = reference.count }
            #expect(index.insert(path) == expected)
        }
        #expect(index.count == reference.count)
        for (path, position) in reference { #expect(index.position(of: path) == position) }
        #expect(index.position(of: "net/ipv4/conf/veth5000/rp_filter") == nil)
        #expect(PathIndex().position(of: "") == nil)
    }

    @Test(arguments: [("  a = b \t", "a = b"), ("\r\n", ""), ("x", "x"), (" é ", "é"), ("", "")])
    func trimmingRemovesBlanksAtBothEnds(text: String, trimmed: String) {
        #expect(text.trimmingSpaces() == trimmed)
    }
}
