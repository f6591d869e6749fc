/// One host's samples while it is read: keys in the order they first appear, and every sample's field in one
/// list, its value's bytes in one buffer (a list and a string per key cost an allocation each).
struct HostSamples {
    struct Field {
        var key: Int
        var field: Int
        var value: Range<Int>
        var line: Int
    }

    let name: String
    var keys: [String] = []
    /// Each key's kept position, when it has one (see `NodeExporterParser.MetricKey`).
    var kept: [Int?] = []
    private var fields: [Field] = []
    private var values: [UInt8] = []
    /// Whether `fields` holds each key's fields together and in field order, as scrapes list them: then the
    /// host's values are read without a sort.
    private var grouped = true
    /// Where each key is: by kept position when the key has one (an integer to hash), else by name.
    private var positions: [String: Int] = [:]
    private var keptSlots = HashSlots()
    var notes: [Finding]
    /// Bytes of the host's sample lines, and whether its later samples were cut at the limit.
    private(set) var bytes = 0
    private var cut = false

    /// `sizedLike`: the host read before, whose size this one likely has (a fleet's hosts name the same keys):
    /// its room is made at once rather than by doubling, which copied each list several times a host.
    init(name: String, notes: [Finding], sizedLike previous: HostSamples? = nil) {
        self.name = name
        self.notes = notes
        guard let previous else { return }
        keys.reserveCapacity(previous.keys.count)
        kept.reserveCapacity(previous.kept.count)
        fields.reserveCapacity(previous.fields.count)
        values.reserveCapacity(previous.values.count)
        keptSlots = HashSlots(capacity: previous.keys.count)
    }

    /// Adds a sample of `line` unless the host's sample lines have passed `limit` bytes, which is noted once.
    mutating func add(_ sample: NodeExporterParser.Sample, in line: UnsafeBufferPointer<UInt8>, limit: Int, source: String) {
        bytes = bytes.saturatingAdd(line.count)
        guard bytes <= limit else {
            if !cut {
                cut = true
                RuntimeSnapshot.append(Finding(rule: "snapshot-unreadable-key", severity: .info,
                    location: SourceLocation(file: source, line: sample.line, column: 1),
                    message: "this host's samples add up to more than \(Format.bytes(Double(limit))), more than any host's sysctl table; its later samples were not read"),
                    to: &notes)
            }
            return
        }
        let key = position(of: sample)
        // While grouped, the last field is the newest key's: another key breaks the grouping unless it is new.
        if grouped, let last = fields.last, last.key == key ? last.field > sample.field : key != keys.count - 1 {
            grouped = false
        }
        let start = values.count
        sample.value.withBytes(in: line) { bytes in
            // Values were always text: bytes that are not UTF-8 are kept as their repair gives them.
            if bytes.contains(where: { $0 >= 0x80 }) {
                values.append(contentsOf: String(decoding: bytes, as: UTF8.self).utf8)
            } else {
                values.append(contentsOf: bytes)
            }
        }
        fields.append(Field(key: key, field: sample.field, value: start..<values.count, line: sample.line))
    }

    /// Each key's position and fields in field order (those of one number in the order read), with the buffer
    /// their values' bytes are in.
    func forEachKey(_ body: (Int, ArraySlice<Field>, UnsafeBufferPointer<UInt8>) -> Void) {
        var ordered = fields
        if !grouped {
            // By key, then field; samples of the same field keep the order they were read in.
            var order = Array(fields.indices)
            order.sort { a, b in
                let x = fields[a], y = fields[b]
                return (x.key, x.field, a) < (y.key, y.field, b)
            }
            ordered = order.map { fields[$0] }
        }
        var start = 0
        while start < ordered.count {
            var end = start + 1
            while end < ordered.count, ordered[end].key == ordered[start].key { end += 1 }
            values.withUnsafeBufferPointer { body(ordered[start].key, ordered[start..<end], $0) }
            start = end
        }
    }

    /// The position of the sample's key, found or made. A scrape lists a key's fields together: the last key is
    /// tried first.
    private mutating func position(of sample: NodeExporterParser.Sample) -> Int {
        guard let key = sample.kept else {
            if let known = positions[sample.key] { return known }
            positions[sample.key] = keys.count
            return start(sample)
        }
        if let last = kept.last, last == key { return kept.count - 1 }
        let hash = Self.hash(key)
        keptSlots.makeRoomForOne()
        let (slot, known) = keptSlots.find(hash: hash) { kept[$0] == key }
        if let known { return known }
        keptSlots.take(slot, hash: hash, position: keys.count)
        return start(sample)
    }

    private mutating func start(_ sample: NodeExporterParser.Sample) -> Int {
        keys.append(sample.key)
        kept.append(sample.kept)
        return keys.count - 1
    }

    /// A kept position's hash: the shared seeded hash of its bytes. Input decides which key gets which position,
    /// so a hash it could predict would let an export choose positions that all land in a few slots.
    private static func hash(_ kept: Int) -> UInt32 {
        withUnsafeBytes(of: kept) { HashSlots.hash($0.bindMemory(to: UInt8.self)) }
    }
}
