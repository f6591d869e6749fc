import SysctlLint

/// Grammar-aware input for the `values` target: byte mutation rarely keeps a key intact while making its value
/// extreme, so the fuzzer's bytes choose keys from the catalogue and values from the edges of every integer type
/// (and beyond), a few per line.
enum ValueGenerator {
    static let keys: [String] = FuzzTargets.linter.knowledge.catalogue.parameters.map(\.key).filter { !$0.contains("*") }
    static let edges: [String] = ["0", "-1", "1", "127", "128", "255", "256", "32767", "32768", "65535", "65536", "2147483647",
                                  "2147483648", "-2147483648", "4294967295", "4294967296", "9223372036854775807",
                                  "9223372036854775808", "-9223372036854775808", "18446744073709551615", "1e309", "0x10",
                                  "99999999999999999999999", "", " ", "\t", "1 2 3", "-0", "+5", "007", "1.5"]

    static func config(from bytes: [UInt8]) -> String {
        guard !keys.isEmpty else { return "" }
        var lines: [String] = []
        var index = 0
        func next() -> Int {
            defer { index += 1 }
            return index < bytes.count ? Int(bytes[index]) : 0
        }
        while index + 3 <= bytes.count && lines.count < 64 {
            let key = keys[(next() << 8 | next()) % keys.count]
            var fields: [String] = []
            for _ in 0...(next() % 3) {
                let choice = next()
                fields.append(choice < 200 ? edges[choice % edges.count] : String(choice * 1_000_003 &* (index + 1)))
            }
            lines.append("\(key) = \(fields.joined(separator: " "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
