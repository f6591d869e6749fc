/// The order a report lists findings in: by file (the inputs in the order given, then files outside them by name,
/// then findings without a place), line, column and rule. Findings that tie on all of these keep the order they
/// were made in.
enum FindingOrder {
    /// Puts `items` in the order `permutation` gives (`items[i]` becomes what was at `permutation[i]`) by
    /// following its cycles with swaps: moving a finding counts no reference, where building the reordered array
    /// copied each finding (a reference counted for each of its strings, and released again with the old array).
    static func apply<Item>(_ permutation: [Int], to items: inout [Item]) {
        precondition(permutation.count == items.count, "a permutation of the items")
        var placed = [Bool](repeating: false, count: items.count)
        // Through the buffer: an array's `swapAt` copies an item out and back, counting its references.
        items.withUnsafeMutableBufferPointer { items in
            for start in items.indices where !placed[start] {
                var current = start
                placed[current] = true
                // `current` takes its item from `permutation[current]`; the item it held moves along the cycle and
                // lands in the last place, which takes its item from `start`.
                while permutation[current] != start {
                    let next = permutation[current]
                    items.swapAt(current, next)
                    placed[next] = true
                    current = next
                }
            }
        }
    }

    /// The positions of `findings` in report order. `ranks`: each input file's place in the order, below `files`.
    ///
    /// Sorted through small keys rather than the findings: comparing findings copied them on every step, and keys
    /// holding strings retained them. When every finding has a place in an input and lines are not far more than
    /// findings (any real run), the keys are placed by line and then by file with two counting sorts, in time
    /// linear in the findings, and only findings sharing a line are compared; otherwise, and on such a line, by
    /// comparison. Both orders are stable, so the two ways agree (a test holds them together).
    static func permutation(of findings: [Finding], ranks: [String: Int], files: Int) -> [Int] {
        // Findings come in runs of one file: its rank is looked up once per run, not hashed for each finding.
        var lastFile: (name: String, rank: Int)?
        let keys = findings.map { finding -> Key in
            guard let location = finding.location else { return Key(rank: Int.max, line: 0, column: 0) }
            let rank: Int
            if let lastFile, lastFile.name == location.file {
                rank = lastFile.rank
            } else {
                rank = ranks[location.file] ?? Int.max
                lastFile = (location.file, rank)
            }
            return Key(rank: rank, line: location.line, column: location.column)
        }
        // Most runs make their findings in order already (a large file's are nearly all overridden lines, made
        // line by line): one look at each neighbour says so.
        if keys.indices.dropFirst().allSatisfy({ !precedes($0, $0 - 1, keys, findings) }) { return Array(keys.indices) }
        return placed(keys, findings: findings, files: files) ?? compared(Array(keys.indices), keys, findings)
    }

    struct Key {
        var rank: Int
        var line: Int
        var column: Int
    }

    /// Whether the finding at `i` comes before the one at `j`.
    static func precedes(_ i: Int, _ j: Int, _ keys: [Key], _ findings: [Finding]) -> Bool {
        let a = keys[i], b = keys[j]
        if a.rank != b.rank { return a.rank < b.rank }
        if a.rank == Int.max, let fileA = findings[i].location?.file, let fileB = findings[j].location?.file, fileA != fileB {
            return fileA < fileB
        }
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        return findings[i].rule < findings[j].rule
    }

    /// `positions` sorted by comparison (stable).
    static func compared(_ positions: [Int], _ keys: [Key], _ findings: [Finding]) -> [Int] {
        positions.sorted { precedes($0, $1, keys, findings) }
    }

    /// The order by two counting sorts (line, then file), or nil when a finding has no ranked file or lines are
    /// too many to count (more than four per finding, past a few thousand).
    private static func placed(_ keys: [Key], findings: [Finding], files: Int) -> [Int]? {
        guard keys.count > 1 else { return Array(keys.indices) }
        let lineLimit = min(keys.count, Int.max / 8) * 4 + 4096
        var lines = 0
        for key in keys {
            guard key.rank >= 0, key.rank < files, key.line >= 0, key.line < lineLimit else { return nil }
            lines = max(lines, key.line + 1)
        }
        let byLine = countingSort(Array(keys.indices), buckets: lines) { keys[$0].line }
        var order = countingSort(byLine, buckets: files) { keys[$0].rank }
        // Findings on one line of one file are ordered by column and rule, as comparison orders them.
        var start = 0
        while start < order.count {
            var end = start + 1
            let first = keys[order[start]]
            while end < order.count, keys[order[end]].rank == first.rank, keys[order[end]].line == first.line { end += 1 }
            if end - start > 1 { order.replaceSubrange(start..<end, with: compared(Array(order[start..<end]), keys, findings)) }
            start = end
        }
        return order
    }

    /// `positions` stably ordered by `bucket`, each below `buckets`.
    private static func countingSort(_ positions: [Int], buckets: Int, _ bucket: (Int) -> Int) -> [Int] {
        var starts = [Int](repeating: 0, count: buckets + 1)
        for position in positions { starts[bucket(position) + 1] += 1 }
        for index in 0..<buckets { starts[index + 1] += starts[index] }
        var sorted = [Int](repeating: 0, count: positions.count)
        for position in positions {
            let slot = bucket(position)
            sorted[starts[slot]] = position
            starts[slot] += 1
        }
        return sorted
    }
}
